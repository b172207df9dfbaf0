/**
 * cloudsync cli. See its issue; this package is filled in by the work on it.
 */
package io.cloudsync.cli;
