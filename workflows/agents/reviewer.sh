#!/bin/sh
# A stand-in for a reviewing agent.
prompt=$(cat)
echo "reviewer received: $prompt"
sleep 1
echo "verdict=approve" >> "$ORCHESTRATE_OUTPUT"
