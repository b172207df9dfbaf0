/**
 * The one JSON codec of results ({@link io.cloudsync.core.json.ResultCodec}), used by the CLI's
 * {@code --json} and by the HTTP routes; its shapes are described in docs/FORMATS.md, "Result JSON".
 */
package io.cloudsync.core.json;
