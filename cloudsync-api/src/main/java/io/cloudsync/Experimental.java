package io.cloudsync;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks API that may still change in a minor release. Anything public that is neither marked with
 * this annotation nor in an {@code internal} package is stable.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Experimental {
    /**
     * The version that introduced the marked element.
     *
     * @return a version such as {@code "0.1.0"}
     */
    String since();
}
