#!/bin/sh
# A stand-in for a reviewing agent.
prompt=$(cat)
echo "reviewer received: $prompt"
sleep 1
echo "verdict=approve" >> "$ORCHESTRATE_OUTPUT"
# Its findings, for people: shown after the run and in its reports.
printf '**%s**: approve, no problems found.\n' "$ORCHESTRATE_TASK_ID" >> "$ORCHESTRATE_SUMMARY"
