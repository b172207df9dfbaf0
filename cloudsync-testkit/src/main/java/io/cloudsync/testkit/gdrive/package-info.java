/**
 * {@link io.cloudsync.testkit.gdrive.FakeDriveServer}: a Google Drive v3-compatible server for
 * tests of Drive providers, built on the JDK's HTTP server.
 */
package io.cloudsync.testkit.gdrive;
