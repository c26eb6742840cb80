#include "project/configloader.h"

#include <QDirIterator>
#include <QTest>

using namespace ktx;

// The original's own ktx.yaml examples must load without errors.
class TestConfigCompat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void originalExamplesLoad()
    {
        const QString root = qEnvironmentVariable("KTX_FIXTURES");
        QVERIFY2(QFileInfo(root).isDir(), "KTX_FIXTURES must point at ktx-fixtures");
        int count = 0;
        QDirIterator it(root + "/examples", {"ktx.yaml"}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            auto loaded = ConfigLoader::loadFile(path);
            QVERIFY(loaded.ok());
            for (const ConfigIssue &issue : loaded->issues)
                QVERIFY2(!issue.isError(), qPrintable(path + ": " + issue.message));
            QVERIFY(!loaded->config.connections.isEmpty());
            ++count;
        }
        QVERIFY(count >= 2);
    }
};

QTEST_GUILESS_MAIN(TestConfigCompat)
#include "tst_configcompat.moc"
