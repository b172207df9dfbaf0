/**
 * The {@code cloudsync} command (picocli): {@link io.cloudsync.cli.Main} is the entry point of the
 * runnable jar that {@code ./cloudsync} starts. Everything else is package-private: this is an
 * application, not a library. See {@code docs/CLI.md}.
 */
package io.cloudsync.cli;
