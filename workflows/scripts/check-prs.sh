#!/bin/sh
echo "checking open pull requests"
sleep 1
echo "0 open"
