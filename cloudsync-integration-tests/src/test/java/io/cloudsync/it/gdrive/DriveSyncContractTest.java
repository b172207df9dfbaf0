package io.cloudsync.it.gdrive;

import io.cloudsync.provider.gdrive.GoogleDriveProviderFactory;
import io.cloudsync.spi.ProviderConfig;
import io.cloudsync.spi.ProviderFactory;
import io.cloudsync.spi.Secrets;
import io.cloudsync.testkit.ProviderUnderTest;
import io.cloudsync.testkit.gdrive.FakeDriveServer;
import io.cloudsync.testkit.sync.SyncContract;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine over the Drive provider keeps the sync contract against the fake. The assertions are the contract's own rules; this class supplies the fixture. */
class DriveSyncContractTest extends SyncContract {

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
                return fixture.secrets();
            }
        };
    }
}
