/**
 * The cloudsync s3 provider.
 */
package io.cloudsync.provider.s3;
