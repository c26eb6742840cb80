// `ktx status --probe` as a user types it, against a fake OpenAI-compatible
// server: a working model turns the LLM line green; a rejected key says so and
// blocks, with the fix.
#include "fakemodelserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using ktx::test::FakeModelServer;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runKtx(const QStringList &args)
{
    QProcess p;
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.waitForFinished(60000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestCliProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probe_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("verdict");
        QTest::addColumn<QString>("statusVerdict");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("answers") << 0 << QStringLiteral("ok") << QStringLiteral("partial") << 0;
        QTest::newRow("key rejected")
            << 401 << QStringLiteral("not_signed_in") << QStringLiteral("blocked") << 1;
    }

    void probe()
    {
        QFETCH(int, status);
        QFETCH(QString, verdict);
        QFETCH(QString, statusVerdict);
        QFETCH(int, exitCode);
        FakeModelServer fake;
        fake.setScript([status](const FakeModelServer::Request &, int) {
            return status
                ? FakeModelServer::Reply::httpError(status, QStringLiteral("invalid_api_key"))
                : FakeModelServer::Reply::say(QStringLiteral("ok"));
        });
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p"));
        QCOMPARE(runKtx({QStringLiteral("admin"), QStringLiteral("demo"), project}).exitCode, 0);
        const Run setup
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("setup"),
                      QStringLiteral("--no-input"), QStringLiteral("--llm-backend"),
                      QStringLiteral("openai-compatible"), QStringLiteral("--llm-base-url"),
                      fake.baseUrl().toString() + QStringLiteral("/v1"),
                      QStringLiteral("--llm-model"), QStringLiteral("qwen-test")});
        QVERIFY2(setup.exitCode == 0, setup.err.constData());

        const Run plain = runKtx({QStringLiteral("--project-dir"), project,
                                  QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(fake.requestCount(), 0); // plain status never touches the network

        const Run run = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("status"),
                                QStringLiteral("--probe"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, exitCode);
        const QJsonObject json = QJsonDocument::fromJson(run.out).object();
        const QJsonObject llm = json.value(QStringLiteral("probes"))
                                    .toObject()
                                    .value(QStringLiteral("llm"))
                                    .toObject();
        QCOMPARE(llm.value(QStringLiteral("verdict")).toString(), verdict);
        QCOMPARE(llm.value(QStringLiteral("model")).toString(), QStringLiteral("qwen-test"));
        QCOMPARE(json.value(QStringLiteral("verdict")).toString(), statusVerdict);
        QCOMPARE(fake.requests().first().body.value(QStringLiteral("max_tokens")).toInt(), 1);
        if (status)
            QVERIFY(
                llm.value(QStringLiteral("fix")).toString().contains(QStringLiteral("API key")));
    }
};

QTEST_GUILESS_MAIN(TestCliProbe)
#include "tst_cli_probe.moc"
