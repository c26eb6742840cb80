#include "core/atomicfile.h"
#include "core/cancellationtoken.h"
#include "core/result.h"
#include "core/secretredactor.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

using namespace ktx;

namespace {
QStringList captured;
void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    captured << message;
}
} // namespace

class TestCore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultCarriesValueOrError()
    {
        Result<int> ok = 42;
        QVERIFY(ok.ok());
        QCOMPARE(*ok, 42);
        Result<int> bad = makeError("code", "Something failed.", "Do this next.");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().toText(), QStringLiteral("Something failed.\nDo this next."));
        Error located = makeError("c", "bad value");
        located.file = "ktx.yaml";
        located.line = 3;
        located.column = 7;
        QCOMPARE(located.toText(), QStringLiteral("ktx.yaml:3:7: bad value"));
    }

    void logsAreRedacted()
    {
        qInstallMessageHandler(capture);
        SecretRedactor::installMessageHandler(); // chains to `capture`
        SecretRedactor::registerSecret("hunter2-password");
        SecretRedactor::registerSecret("abc"); // too short to mask ordinary words
        qWarning("connecting with hunter2-password to db abc");
        QCOMPARE(captured.last(), QStringLiteral("connecting with [redacted] to db abc"));
        SecretRedactor::clear();
        qWarning("hunter2-password");
        QCOMPARE(captured.last(), QStringLiteral("hunter2-password"));
        qInstallMessageHandler(nullptr);
    }

    void cancellationIsShared()
    {
        CancellationToken token;
        CancellationToken copy = token;
        QVERIFY(!copy.isCancelled());
        token.cancel();
        QVERIFY(copy.isCancelled());
    }

    // A buffered write (smaller than QFileDevice's buffer) that fails part-way
    // (here: the file-size limit; a full disk behaves the same) must fail and
    // leave the old file whole. Qt 6.4's QSaveFile::commit() alone would
    // rename the truncated file into place.
    void atomicWriteThatFailsKeepsTheOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("page.md"));
        QVERIFY(AtomicFile::write(path, "old contents\n").ok());
        struct rlimit old
        {
        };
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        const auto result = AtomicFile::write(path, QByteArray(5000, 'x'));
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, previousHandler);
        QVERIFY(!result.ok());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("old contents\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList {QStringLiteral("page.md")});
    }
};

QTEST_GUILESS_MAIN(TestCore)
#include "tst_core.moc"
