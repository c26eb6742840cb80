// `ktx review` on a pending run the real pipeline produced (review mode,
// scripted fake model, real git): list, show --json, accept/reject per run,
// file and hunk, apply, and the errors scripts rely on.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/ingestrun.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlQuery>
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
    ProjectConfig m_config;

    Run ktx(const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        p.start(qEnvironmentVariable("KTX_CLI"),
                QStringList {QStringLiteral("--project-dir"), m_dir, QStringLiteral("review")}
                    + args);
        p.waitForFinished(120000);
        const Run run {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
        // Every review command leaves a repository plain git accepts.
        QProcess fsck;
        fsck.setWorkingDirectory(m_dir);
        fsck.start(QStringLiteral("git"), {QStringLiteral("fsck"), QStringLiteral("--strict")});
        fsck.waitForFinished(30000);
        if (fsck.exitCode() != 0)
            QTest::qFail(QByteArray("git fsck after `review " + args.join(QLatin1Char(' ')).toUtf8()
                                    + "`: " + fsck.readAllStandardError())
                             .constData(),
                         __FILE__, __LINE__);
        return run;
    }

    QString path(const QString &table) const
    {
        return QStringLiteral("semantic-layer/%1/%2.yaml").arg(m_conn, table);
    }

    // A review-mode run by the real pipeline against a scripted fake model;
    // returns its id, empty on failure. The fake records every request.
    QString pendingRun(FakeModelServer *recorder = nullptr)
    {
        FakeModelServer local;
        FakeModelServer &fake = recorder ? *recorder : local;
        const QString conn = m_conn;
        fake.setScript([conn](const FakeModelServer::Request &r, int) {
            return r.rawBody.contains("## Changes of this run")
                ? Reply::say(QStringLiteral("nothing to reconcile"))
                : unitScript(r, conn);
        });
        IngestRunOptions o;
        o.projectDir = m_dir;
        o.config = m_config;
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
        if (!result.ok() || result->record.status != QLatin1String("pending_review"))
            return {};
        return result->record.runId;
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

        m_config = config;
        m_runId = pendingRun();
        QVERIFY(!m_runId.isEmpty());
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
        QVERIFY2(human.out.contains("\n  = source `orders`: ai description added\n"),
                 human.out.constData());
        QCOMPARE(orders["semanticChanges"].toArray().first().toString(),
                 QStringLiteral("source `orders`: ai description added"));
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

    // The same view for a commit of history and for uncommitted edits.
    void showCommitAndWorkTree()
    {
        const Run commit = ktx({"show", "--commit", "HEAD", "--json"});
        QCOMPARE(commit.exitCode, 0);
        const QJsonObject c = commit.json();
        QCOMPARE(c["kind"].toString(), QStringLiteral("commit"));
        QCOMPARE(c["commitId"].toString(), git(m_dir, {"rev-parse", "HEAD"}));
        QCOMPARE(c["baseCommit"].toString(), git(m_dir, {"rev-parse", "HEAD~1"}));
        QVERIFY(c["subject"].toString().startsWith(QLatin1String("review(live-database): ")));
        QStringList paths;
        for (const QJsonValue &f : c["files"].toArray())
            paths << f["path"].toString();
        QCOMPARE(paths, (QStringList {path("customers"), path("orders")}));
        QCOMPARE(c["files"][1]["semanticChanges"].toArray().first().toString(),
                 QStringLiteral("source `orders`: ai description added"));
        QCOMPARE(c["files"][1]["hunks"].toArray().size(), 1);
        const Run abbreviated
            = ktx({"show", "--commit", git(m_dir, {"rev-parse", "--short", "HEAD"})});
        QCOMPARE(abbreviated.exitCode, 0);
        QVERIFY2(abbreviated.out.contains("  = source `orders`: ai description added\n"),
                 abbreviated.out.constData());
        QVERIFY(!abbreviated.out.contains("[?]")); // no decisions in a read-only view

        // a person's uncommitted edits: a changed measure and a new page
        const QString orders = m_dir + "/" + path("orders");
        QFile f(orders);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray original = f.readAll();
        f.close();
        QVERIFY(original.contains("COUNT(*)"));
        QByteArray edited = original;
        edited.replace("COUNT(*)", "COUNT(DISTINCT id)");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(edited);
        f.close();
        const QString page = m_dir + "/wiki/global/hand-written-note.md";
        QFile p(page);
        QVERIFY(p.open(QIODevice::WriteOnly));
        p.write(
            "---\nsummary: When orders are refunded.\ntags: [finance]\n---\n\nWithin 30 days.\n");
        p.close();
        const auto restore = qScopeGuard([&] {
            QFile::remove(page);
            QFile back(orders);
            if (back.open(QIODevice::WriteOnly | QIODevice::Truncate))
                back.write(original);
        });

        const Run tree = ktx({"show", "--worktree", "--json"});
        QCOMPARE(tree.exitCode, 0);
        const QJsonObject t = tree.json();
        QCOMPARE(t["kind"].toString(), QStringLiteral("worktree"));
        QCOMPARE(t["baseCommit"].toString(), git(m_dir, {"rev-parse", "HEAD"}));
        const QJsonArray files = t["files"].toArray();
        QCOMPARE(files.size(), 2);
        QCOMPARE(files[0]["path"].toString(), path("orders"));
        QCOMPARE(files[0]["status"].toString(), QStringLiteral("modified"));
        QCOMPARE(files[0]["semanticChanges"].toArray(),
                 QJsonArray {QStringLiteral("measure orders.row_count expr changed from "
                                            "`COUNT(*)` to `COUNT(DISTINCT id)`")});
        QCOMPARE(files[1]["path"].toString(), QStringLiteral("wiki/global/hand-written-note.md"));
        QCOMPARE(files[1]["status"].toString(), QStringLiteral("added"));
        QCOMPARE(files[1]["semanticChanges"].toArray().first().toString(),
                 QStringLiteral("page `hand-written-note` added: When orders are refunded."));
        const Run human = ktx({"show", "--worktree"});
        QVERIFY2(human.out.startsWith("uncommitted changes against HEAD "), human.out.constData());
        QVERIFY(human.out.contains("+    expr: COUNT(DISTINCT id)"));

        QCOMPARE(ktx({"show", "--commit", "no-such-commit", "--json"}).json()["error"].toString(),
                 QStringLiteral("git_unknown_commit"));
        QCOMPARE(ktx({"show", "--worktree", "--commit", "HEAD"}).exitCode, 2);
    }

    // The rejected changes of decideAndApply come back in the next ingest (the
    // same script proposes them again): `show` flags each one loudly, JSON
    // carries the flag and the refusing run.
    void rejectedChangesComeBackMarked()
    {
        FakeModelServer fake;
        const QString second = pendingRun(&fake);
        QVERIFY(!second.isEmpty());
        int told = 0;
        for (const FakeModelServer::Request &r : fake.requests())
            if (r.toolResultCount() == 0 && r.rawBody.contains("### Previously rejected proposals"))
                ++told;
        QCOMPARE(told, 12); // every unit whose change was refused, and only those re-ran

        const Run show = ktx({QStringLiteral("show"), second, QStringLiteral("--json")});
        QCOMPARE(show.exitCode, 0);
        const QJsonArray files = show.json()["files"].toArray();
        QCOMPARE(files.size(), 12);
        for (const QJsonValue &f : files) {
            QVERIFY2(f["hunks"][0]["previouslyRejected"].toBool(),
                     qPrintable(f["path"].toString()));
            QCOMPARE(f["hunks"][0]["previouslyRejectedIn"].toString(), m_runId);
        }
        const Run human = ktx({QStringLiteral("show"), second});
        QCOMPARE(human.exitCode, 0);
        QCOMPARE(
            human.out.count(QByteArray("!! PREVIOUSLY REJECTED (run " + m_runId.toUtf8() + ")")),
            12);
    }

    // apply's bookkeeping survives a kill at each point: the next `ktx review`
    // finishes it (or, killed before landing, the run stays pending and
    // applies again), ending in the same state every time.
    void killedApplyIsFinishedAtTheNextStart_data()
    {
        QTest::addColumn<QString>("point");
        for (const char *p : {"journal", "landed", "rejections", "status", "branch"})
            QTest::newRow(p) << QString::fromLatin1(p);
    }

    void killedApplyIsFinishedAtTheNextStart()
    {
        QFETCH(QString, point);
        const QString saved = m_dir;
        const QString savedRun = m_runId;
        const auto restore = qScopeGuard([&] {
            m_dir = saved;
            m_runId = savedRun;
        });
        m_dir = m_tmp.filePath(QStringLiteral("kill-") + point);
        QVERIFY(DemoProject::create(m_dir).ok());
        QVERIFY(StructuralIngest::run(m_dir, m_config, *m_config.connection(m_conn)).ok());
        const QString runId = pendingRun();
        QVERIFY(!runId.isEmpty());
        const QString head = git(m_dir, {"rev-parse", "HEAD"});
        QCOMPARE(ktx({"accept", runId, "--file", path("orders")}).exitCode, 0);
        QCOMPARE(ktx({"reject", runId}).exitCode, 0);

        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("KTX_TEST_REVIEW_CRASH_AT"), point);
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("KTX_CLI"),
                {"--project-dir", m_dir, "review", "apply", runId});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 86); // killed at the point
        QVERIFY(QFile::exists(m_dir + "/.ktx/review-apply.json"));

        // the next start: listing finishes (or drops) the interrupted apply
        const Run list = ktx({"--json"});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(!QFile::exists(m_dir + "/.ktx/review-apply.json"));
        if (point == QLatin1String("journal")) {
            QCOMPARE(git(m_dir, {"rev-parse", "HEAD"}), head); // nothing landed
            QCOMPARE(list.json()["pending"].toArray().size(), 1);
            QCOMPARE(ktx({"apply", runId}).exitCode, 0);
        } else {
            QCOMPARE(list.json()["pending"].toArray().size(), 0);
        }
        QCOMPARE(git(m_dir, {"rev-parse", "HEAD~1"}), head);
        QCOMPARE(git(m_dir, {"diff", "--name-only", head, "HEAD"}), path("orders"));
        QVERIFY(git(m_dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());
        QVERIFY(git(m_dir, {"status", "--porcelain", "--untracked-files=no"}).isEmpty());
        QCOMPARE(ktx({"show", runId, "--json"}).json()["error"].toString(),
                 QStringLiteral("review_not_pending"));
        // each refusal remembered exactly once
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), point);
        db.setDatabaseName(m_dir + "/.ktx/db.sqlite");
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*), count(DISTINCT path) FROM "
                                      "review_rejections WHERE run_id='%1'")
                           .arg(runId)));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 13);
        QCOMPARE(q.value(1).toInt(), 13);
        QVERIFY(q.exec(QStringLiteral("SELECT status, landed_commit FROM ingest_runs WHERE "
                                      "run_id='%1'")
                           .arg(runId)));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("reviewed"));
        QCOMPARE(q.value(1).toString(), git(m_dir, {"rev-parse", "HEAD"}));
        q.finish();
        db.close();
    }
};

QTEST_GUILESS_MAIN(TestCliReview)
#include "tst_cli_review.moc"
