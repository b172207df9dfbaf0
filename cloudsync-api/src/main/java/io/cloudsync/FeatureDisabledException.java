package io.cloudsync;

/**
 * An operation was asked for while its feature flag is off. Flags are false unless configured.
 */
public class FeatureDisabledException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    private final String flag;

    /**
     * Creates the exception.
     *
     * @param flag the flag to set, such as {@code enable_cloud_sync_s3}
     * @param message what was refused and where to set the flag
     */
    public FeatureDisabledException(String flag, String message) {
        super(message);
        this.flag = flag;
    }

    /**
     * The flag that must be set to true.
     *
     * @return a flag name such as {@code enable_cloud_sync}
     */
    public String flag() {
        return flag;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link ErrorCategory#DISABLED}
     */
    @Override
    public ErrorCategory category() {
        return ErrorCategory.DISABLED;
    }
}
