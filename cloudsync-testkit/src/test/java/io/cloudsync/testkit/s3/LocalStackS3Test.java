package io.cloudsync.testkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.testcontainers.DockerClientFactory;

/** The LocalStack fixture: its accessors, and that without Docker a class is skipped with the reason. */
class LocalStackS3Test {

    @Test
    void create_blankImage_isRefusedNamingAnExample() {
        assertThatThrownBy(() -> LocalStackS3.create(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LocalStackS3.DEFAULT_IMAGE);
    }

    @Test
    void create_withoutImageProperty_usesTheDefaultImage() {
        assumeTrue(System.getProperty(LocalStackS3.IMAGE_PROPERTY) == null, "the image property is set for this run");

        assertThat(LocalStackS3.create().image()).isEqualTo(LocalStackS3.DEFAULT_IMAGE);
    }

    @Test
    void accessors_beforeStart_sayHowToRegisterTheExtension() {
        LocalStackS3 s3 = LocalStackS3.create();

        assertThatThrownBy(s3::endpoint).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
        assertThatThrownBy(s3::bucket).isInstanceOf(IllegalStateException.class).hasMessageContaining("@RegisterExtension");
        assertThat(s3.toString()).isEqualTo("LocalStackS3[" + s3.image() + "]");
    }

    @Test
    void fixture_describesLocalStack() {
        S3Fixture s3 = LocalStackS3.create("localstack/localstack:4.4");

        assertThat(s3.checksSignatures()).isFalse();
        assertThat(s3.returnsChecksums()).isTrue();
        assertThat(s3.region()).isEqualTo("us-east-1");
    }

    @Test
    void credentials_holdTheKeysAsTheS3ProviderReadsThem() {
        String json = S3Fixture.credentials("id\"1", "secret").get(S3Fixture.SECRETS_KEY).orElseThrow().revealString();

        assertThat(json).isEqualTo("{\"access_key_id\":\"id\\\"1\",\"secret_access_key\":\"secret\"}");
    }

    @Test
    void testClass_withoutDocker_eachTestIsAbortedSayingToStartDocker() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is reachable here");

        Events events = run();

        events.assertThatEvents().haveExactly(1, event(test("bucket_isThere"),
                abortedWithReason(message(m -> m.startsWith("Skipped: no Docker engine") && m.contains("start Docker")))));
        events.assertThatEvents().haveExactly(1, event(container(LocalStackSampleRun.class), finishedSuccessfully()));
    }

    @Test
    void testClass_withDocker_getsAFreshBucket() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine is reachable here");

        run().assertThatEvents().haveExactly(1, event(test("bucket_isThere"),
                finishedSuccessfully()));
    }

    private static Events run() {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(LocalStackSampleRun.class)).execute().allEvents();
    }
}
