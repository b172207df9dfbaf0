/**
 * The Google Drive provider ({@code gdrive}). Hosts need only
 * {@link io.cloudsync.provider.gdrive.GoogleDriveProviderFactory}, found by {@link java.util.ServiceLoader};
 * everything else lives in the {@code internal} package. See {@code docs/GDRIVE.md}.
 */
package io.cloudsync.provider.gdrive;
