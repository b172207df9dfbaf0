package io.cloudsync.testkit.s3;

import java.util.Locale;
import java.util.UUID;

/** Valid, unique bucket names that say which test class they belong to. */
final class BucketNames {

    private BucketNames() {
    }

    static String forTestClass(Class<?> testClass) {
        String name = "cloudsync-" + testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return (name.length() > 40 ? name.substring(0, 40) : name) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
