/**
 * Implementation of the Drive provider; not an API, may change in any release.
 */
package io.cloudsync.provider.gdrive.internal;
