#!/usr/bin/env node
// CommonJS (bin/package.json), so --help and --version never start the ES module loader.
"use strict";
require("../dist/boot.cjs").start(process.argv.slice(2));
