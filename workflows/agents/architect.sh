#!/bin/sh
# A stand-in for an LLM agent: reads the prompt on stdin, "thinks", writes the spec.
prompt=$(cat)
echo "architect ($MODEL) received: $prompt"
sleep 1
mkdir -p out
printf '# Spec\n\n%s\n' "$prompt" > out/spec-caching.md
echo "path=out/spec-caching.md" >> "$ORCHESTRATE_OUTPUT"
echo "cost=0.4" >> "$ORCHESTRATE_OUTPUT"
