package io.cloudsync.provider.gdrive;

import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ProviderFactoryContract;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Drive factory keeps the discovery rules. The assertions are the contract's own rules; this class supplies the fixture. */
class DriveProviderFactoryContractTest extends ProviderFactoryContract {

    @RegisterExtension
    static final FakeDriveServer DRIVE = FakeDriveServer.create();

    private DriveFixture fixture;

    @Override
    protected ProviderUnderTest subject() {
        return new ProviderUnderTest() {
            @Override
            public ProviderFactory factory() {
                return new GoogleDriveProviderFactory();
            }

            @Override
            public ProviderConfig freshRemote(TestInfo test) {
                fixture = new DriveFixture(DRIVE);
                return fixture.config(null).build();
            }

            @Override
            public Secrets secrets() {
                if (fixture == null) {
                    fixture = new DriveFixture(DRIVE);
                }
                return fixture.secrets();
            }
        };
    }
}
