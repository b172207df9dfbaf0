/**
 * Benchmark entry points run by {@code bench/manifest-bench.sh}; not part of the library and not
 * published. See {@code docs/BENCHMARKS.md}.
 */
package io.cloudsync.bench;
