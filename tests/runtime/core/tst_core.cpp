#include "core/cancellationtoken.h"
#include "core/result.h"
#include "core/secretredactor.h"

#include <QTest>

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
};

QTEST_GUILESS_MAIN(TestCore)
#include "tst_core.moc"
