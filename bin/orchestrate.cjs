#!/usr/bin/env node
'use strict';
// The compiled CLI, started from V8's code cache of it (src/cli/start-bundle.cts); `npm install` builds it.
require('../dist/cli/start-bundle.cjs').startBundle();
