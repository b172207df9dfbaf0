/**
 * The outcomes of every operation, as immutable values: a sync or dry run ({@link
 * io.cloudsync.core.result.SyncResult}, whose {@link io.cloudsync.SyncSummary} and {@link
 * io.cloudsync.Plan} come from the api), a pull, a verify, and the four backup operations. Their JSON
 * form is written by {@link io.cloudsync.core.json.ResultCodec} alone and described in
 * docs/FORMATS.md, "Result JSON".
 */
package io.cloudsync.core.result;
