// `ktx review` on a pending run the real pipeline produced (review mode,
// scripted fake model, real git): list, show --json, accept/reject per run,
// file and hunk, apply, and the errors scripts rely on.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/ingestrun.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// Every unit adds an AI description under its source's name.
Reply unitScript(const FakeModelServer::Request &r, const QString &connection)
{
    static const QRegularExpression tablePattern(
        QStringLiteral("### notes\\\\nTable ([A-Za-z0-9_]+) \\("));
    static const QRegularExpression rawPattern(
        QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    const QString table = tablePattern.match(QString::fromUtf8(r.rawBody)).captured(1);
    const QString raw = rawPattern.match(QString::fromUtf8(r.rawBody)).captured(1);
    switch (r.toolResultCount()) {
    case 0:
        return Reply::call(
            QStringLiteral("sl_read_source"),
            {{QStringLiteral("connectionId"), connection}, {QStringLiteral("sourceName"), table}});
    case 1:
        return Reply::call(QStringLiteral("record_verification_ledger"),
                           {{QStringLiteral("summary"), QStringLiteral("read the table file")},
                            {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
    case 2:
        return Reply::call(
            QStringLiteral("sl_edit_source"),
            {{QStringLiteral("connectionId"), connection},
             {QStringLiteral("sourceName"), table},
             {QStringLiteral("yaml_edits"),
              QJsonArray {QJsonObject {
                  {QStringLiteral("oldText"), QStringLiteral("name: %1\n").arg(table)},
                  {QStringLiteral("newText"),
                   QStringLiteral("name: %1\ndescriptions:\n  ai: The %1 of Ridgeline Coffee.\n")
                       .arg(table)}}}},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    default:
        return Reply::say(QStringLiteral("done"));
    }
}

} // namespace

class TestCliReview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dir;
    QString m_runId;
    QString m_conn;

    Run ktx(const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        p.start(qEnvironmentVariable("KTX_CLI"),
                QStringList {QStringLiteral("--project-dir"), m_dir, QStringLiteral("review")}
                    + args);
        p.waitForFinished(120000);
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString path(const QString &table) const
    {
        return QStringLiteral("semantic-layer/%1/%2.yaml").arg(m_conn, table);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_dir = m_tmp.filePath(QStringLiteral("demo"));
        m_conn = DemoProject::connectionId();
        QVERIFY(DemoProject::create(m_dir).ok());
        ProjectConfig config = ConfigLoader::loadFile(m_dir + QStringLiteral("/ktx.yaml"))->config;
        config.scan.relationships.enabled = false;
        QVERIFY(StructuralIngest::run(m_dir, config, *config.connection(m_conn)).ok());

        FakeModelServer fake;
        const QString conn = m_conn;
        fake.setScript([conn](const FakeModelServer::Request &r, int) {
            return r.rawBody.contains("## Changes of this run")
                ? Reply::say(QStringLiteral("nothing to reconcile"))
                : unitScript(r, conn);
        });
        IngestRunOptions o;
        o.projectDir = m_dir;
        o.config = config;
        o.config.ingest.maxConcurrency = 2;
        o.connectionId = m_conn;
        o.reviewMode = QStringLiteral("review");
        o.appVersion = QStringLiteral("test");
        o.llm.backend = QStringLiteral("openai-compatible");
        o.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        o.llm.baseUrl = QUrl(fake.baseUrl().toString() + QStringLiteral("/v1"));
        o.llm.apiKey = QStringLiteral("sk-test");
        o.llm.idleTimeoutMs = 5000;
        IngestRun run(o);
        auto result = run.run();
        QVERIFY(result.ok());
        QCOMPARE(result->record.status, QStringLiteral("pending_review"));
        m_runId = result->record.runId;
    }

    void listAndShow()
    {
        const Run list = ktx({QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray pending = list.json().value("pending").toArray();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first()["runId"].toString(), m_runId);
        QCOMPARE(pending.first()["files"].toInt(), 14);
        QCOMPARE(pending.first()["additions"].toInt(), 14 * 2);

        const Run text = ktx({});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(m_runId.toUtf8()) && text.out.contains("14 file(s) +28 -0"),
                 text.out.constData());

        const Run show = ktx({QStringLiteral("show"), m_runId, QStringLiteral("--json")});
        QCOMPARE(show.exitCode, 0);
        const QJsonObject body = show.json();
        QCOMPARE(body["runId"].toString(), m_runId);
        QCOMPARE(body["files"].toArray().size(), 14);
        const QJsonObject orders = [&] {
            for (const QJsonValue &f : body["files"].toArray())
                if (f["path"].toString() == path(QStringLiteral("orders")))
                    return f.toObject();
            return QJsonObject();
        }();
        QCOMPARE(orders["status"].toString(), QStringLiteral("modified"));
        const QJsonObject hunk = orders["hunks"].toArray().first().toObject();
        QCOMPARE(hunk["decision"].toString(), QStringLiteral("undecided"));
        QCOMPARE(hunk["provenance"]["tool"].toString(), QStringLiteral("sl_edit_source"));
        QVERIFY(hunk["provenance"]["unitKey"].toString().endsWith(QLatin1String("-orders")));
        const QJsonArray lines = hunk["lines"].toArray();
        QVERIFY(std::any_of(lines.begin(), lines.end(), [](const QJsonValue &l) {
            return l["kind"].toString() == QLatin1String("+")
                && l["text"].toString() == QLatin1String("  ai: The orders of Ridgeline Coffee.")
                && l["newLine"].toInt() == 3 && l["oldLine"].toInt() == 0;
        }));

        const Run human = ktx({QStringLiteral("show"), m_runId});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("+  ai: The orders of Ridgeline Coffee."));
    }

    void errorsForScripts()
    {
        const Run unknown = ktx(
            {QStringLiteral("show"), QStringLiteral("no-such-run"), QStringLiteral("--json")});
        QCOMPARE(unknown.exitCode, 1);
        QCOMPARE(unknown.json()["error"].toString(), QStringLiteral("review_unknown_run"));
        const Run badHunk = ktx({QStringLiteral("accept"), m_runId, QStringLiteral("--hunk"),
                                 path(QStringLiteral("orders")) + QStringLiteral(":9")});
        QCOMPARE(badHunk.exitCode, 1);
        QVERIFY(badHunk.err.contains("no hunk 9"));
        const Run usage = ktx({QStringLiteral("accept")});
        QCOMPARE(usage.exitCode, 2);
        const Run early = ktx({QStringLiteral("apply"), m_runId, QStringLiteral("--json")});
        QCOMPARE(early.exitCode, 1);
        QCOMPARE(early.json()["error"].toString(), QStringLiteral("review_undecided"));
    }

    void decideAndApply()
    {
        const QString head = git(m_dir, {"rev-parse", "HEAD"});
        Run r = ktx({QStringLiteral("accept"), m_runId, QStringLiteral("--hunk"),
                     path(QStringLiteral("orders")) + QStringLiteral(":1"),
                     QStringLiteral("--file"), path(QStringLiteral("customers"))});
        QCOMPARE(r.exitCode, 0);
        r = ktx({QStringLiteral("reject"), m_runId, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.json()["undecided"].toArray().isEmpty());
        r = ktx({QStringLiteral("apply"), m_runId, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        const QJsonObject applied = r.json();
        QCOMPARE(applied["status"].toString(), QStringLiteral("reviewed"));
        QCOMPARE(applied["landedPaths"].toArray().size(), 2);
        QCOMPARE(applied["leftOut"].toArray().size(), 12);
        QCOMPARE(applied["rejectionsRecorded"].toInt(), 12);
        QCOMPARE(git(m_dir, {"rev-parse", "HEAD"}), applied["commitId"].toString());
        QCOMPARE(git(m_dir, {"diff", "--name-only", head, "HEAD"}).split('\n'),
                 (QStringList {path(QStringLiteral("customers")), path(QStringLiteral("orders"))}));
        QVERIFY(git(m_dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());
        QCOMPARE(ktx({QStringLiteral("--json")}).json()["pending"].toArray().size(), 0);
        QCOMPARE(ktx({QStringLiteral("show"), m_runId, QStringLiteral("--json")})
                     .json()["error"]
                     .toString(),
                 QStringLiteral("review_not_pending"));
    }
};

QTEST_GUILESS_MAIN(TestCliReview)
#include "tst_cli_review.moc"
