#!/bin/sh
# A stand-in for a coding agent: prints what it would implement.
prompt=$(cat)
echo "developer received: $prompt (params: $ORCHESTRATE_PARAMS)"
sleep 2
echo "implemented"
