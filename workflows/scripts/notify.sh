#!/bin/sh
echo "notify: workflow finished"
