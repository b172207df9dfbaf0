/**
 * The cloudsync gdrive provider.
 */
package io.cloudsync.provider.gdrive;
