/**
 * JMH benchmarks of the manifest targets, each beside its coreutils reference in the same run; run
 * by {@code bench/manifest-bench.sh}. See {@code docs/BENCHMARKS.md}.
 */
package io.cloudsync.bench.jmh;
