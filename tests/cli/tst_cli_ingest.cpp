// `ktx ingest` with a model, as a user runs it: the demo project, an
// OpenAI-compatible fake model, the enriched pipeline after the structural one;
// then the kill test: the process is SIGKILLed at many random points of a run
// (deterministic seeds), and every time the repository must be intact (clean
// status, fsck, every context file parses) and the next run must succeed and
// mark the killed run `interrupted`.
#include "fakemodelserver.h"
#include "ingest/wikipagetext.h"
#include "semantic/sourceloader.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

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
    p.waitForFinished(180000);
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

std::pair<int, QString> git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(60000);
    return {p.exitCode(),
            QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed()};
}

// The memory agent of `ktx ingest --text`: keeps the note as a personal page
// of the capturing user.
Reply memoryScript(const FakeModelServer::Request &r)
{
    static const QRegularExpression rawP(QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    const QString raw = rawP.match(QString::fromUtf8(r.rawBody)).captured(1);
    switch (r.toolResultCount()) {
    case 0:
        return Reply::call(QStringLiteral("record_verification_ledger"),
                           {{QStringLiteral("summary"), QStringLiteral("read the note")},
                            {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}});
    case 1:
        return Reply::call(
            QStringLiteral("wiki_write"),
            {{QStringLiteral("key"), QStringLiteral("report-format")},
             {QStringLiteral("scope"), QStringLiteral("user")},
             {QStringLiteral("content"),
              QStringLiteral("---\nsummary: Wants weekly numbers as a table.\n---\n\nWeekly "
                             "numbers as a table.\n")},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    default:
        return Reply::say(QStringLiteral("kept as a personal note"));
    }
}

Reply script(const FakeModelServer::Request &r)
{
    if (r.rawBody.contains("## Changes of this run"))
        return Reply::say(QStringLiteral("nothing to reconcile"));
    if (r.rawBody.contains("Skill: wiki_capture"))
        return memoryScript(r);
    static const QRegularExpression tableP(
        QStringLiteral("### notes\\\\nTable ([A-Za-z0-9_]+) \\("));
    static const QRegularExpression rawP(QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    const QString body = QString::fromUtf8(r.rawBody);
    const QString table = tableP.match(body).captured(1);
    const QString raw = rawP.match(body).captured(1);
    switch (r.toolResultCount()) {
    case 0:
        return Reply::call(QStringLiteral("record_verification_ledger"),
                           {{QStringLiteral("summary"), QStringLiteral("checked the table file")},
                            {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
    case 1:
        return Reply::call(
            QStringLiteral("sl_edit_source"),
            {{QStringLiteral("connectionId"), QStringLiteral("demo_warehouse")},
             {QStringLiteral("sourceName"), table},
             {QStringLiteral("yaml_edits"),
              QJsonArray {QJsonObject {
                  {QStringLiteral("oldText"), QStringLiteral("name: %1\n").arg(table)},
                  {QStringLiteral("newText"),
                   QStringLiteral("name: %1\ndescriptions:\n  ai: Enriched %1.\n").arg(table)}}}},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    case 2:
        return Reply::call(
            QStringLiteral("wiki_write"),
            {{QStringLiteral("key"), QString(QStringLiteral("table-") + table)},
             {QStringLiteral("content"),
              QString(QStringLiteral(
                          "---\nsummary: What the %1 table holds.\nsl_refs:\n  - %1\n---\n\n# %1\n")
                          .arg(table))},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    default:
        return Reply::say(QStringLiteral("done"));
    }
}

// Every committed context file still parses.
QStringList unparsable(const QString &project)
{
    QStringList bad;
    QDirIterator sl(project + QStringLiteral("/semantic-layer"), {QStringLiteral("*.yaml")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (sl.hasNext()) {
        const QString path = sl.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        const auto loaded = ktx::SourceLoader::fromYaml(f.readAll(), path);
        if (!loaded.source)
            bad << path;
    }
    QDirIterator wiki(project + QStringLiteral("/wiki"), {QStringLiteral("*.md")}, QDir::Files,
                      QDirIterator::Subdirectories);
    while (wiki.hasNext()) {
        const QString path = wiki.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        if (!ktx::WikiPageText::parse(f.readAll()).ok())
            bad << path;
    }
    QDirIterator raw(project + QStringLiteral("/raw-sources"), {QStringLiteral("*.json")},
                     QDir::Files, QDirIterator::Subdirectories);
    while (raw.hasNext()) {
        const QString path = raw.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        QJsonParseError e;
        QJsonDocument::fromJson(f.readAll(), &e);
        if (e.error != QJsonParseError::NoError)
            bad << path;
    }
    return bad;
}

QMap<QString, QString> runStatuses(const QString &project)
{
    QMap<QString, QString> out;
    const QString name = QStringLiteral("kill-check");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(project + QStringLiteral("/.ktx/db.sqlite"));
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT run_id, status FROM ingest_runs")))
                while (q.next())
                    out.insert(q.value(0).toString(), q.value(1).toString());
        }
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

} // namespace

class TestCliIngest : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    FakeModelServer m_fake;
    QString m_template;

    QString copyTemplate(const QString &name)
    {
        const QString dir = m_tmp.filePath(name);
        QProcess cp;
        cp.start(QStringLiteral("cp"), {QStringLiteral("-a"), m_template, dir});
        cp.waitForFinished(60000);
        return cp.exitCode() == 0 ? dir : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_fake.setScript([](const FakeModelServer::Request &r, int) { return script(r); });
        m_template = m_tmp.filePath(QStringLiteral("template"));
        QCOMPARE(runKtx({QStringLiteral("admin"), QStringLiteral("demo"), m_template}).exitCode, 0);
        const Run setup
            = runKtx({QStringLiteral("--project-dir"), m_template, QStringLiteral("setup"),
                      QStringLiteral("--no-input"), QStringLiteral("--llm-backend"),
                      QStringLiteral("openai-compatible"), QStringLiteral("--llm-base-url"),
                      m_fake.baseUrl().toString() + QStringLiteral("/v1"),
                      QStringLiteral("--llm-model"), QStringLiteral("qwen-test")});
        QVERIFY2(setup.exitCode == 0, setup.err.constData());
        // The template starts clean: the configuration change is committed.
        git(m_template, {QStringLiteral("add"), QStringLiteral("-A")});
        git(m_template,
            {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
             QStringLiteral("user.email=t@t"), QStringLiteral("commit"), QStringLiteral("-qm"),
             QStringLiteral("configure a model")});
        QVERIFY(git(m_template, {QStringLiteral("status"), QStringLiteral("--porcelain")})
                    .second.isEmpty());
    }

    void enrichedIngestThenNothingToDo()
    {
        const QString project = copyTemplate(QStringLiteral("full"));
        QVERIFY(!project.isEmpty());
        const int before = m_fake.requestCount();
        const Run run = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                                QStringLiteral("--all"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, run.out.constData());
        const QJsonObject result
            = QJsonDocument::fromJson(run.out).object().value("results").toArray().at(0).toObject();
        QJsonObject enrichment;
        for (const QJsonValue &step : result.value("steps").toArray())
            if (step["operation"].toString() == QLatin1String("enrichment"))
                enrichment = step.toObject();
        QCOMPARE(enrichment.value("status").toString(), QStringLiteral("done"));
        QCOMPARE(enrichment.value("runStatus").toString(), QStringLiteral("landed"));
        QCOMPARE(enrichment.value("workUnits").toInt(), 14);
        QVERIFY(m_fake.requestCount() - before >= 14 * 4);
        QVERIFY(git(project, {"status", "--porcelain"}).second.isEmpty());
        QVERIFY(git(project, {"log", "-1", "--format=%s"})
                    .second.startsWith(QStringLiteral("ingest(live-database): local-")));
        QFile orders(project + QStringLiteral("/semantic-layer/demo_warehouse/orders.yaml"));
        QVERIFY(orders.open(QIODevice::ReadOnly));
        QVERIFY(orders.readAll().contains("ai: Enriched orders."));
        QVERIFY(QFile::exists(project + QStringLiteral("/wiki/global/table-orders.md")));
        // Every unit that called the model says how many tokens it used (the
        // fake server reports usage as the real APIs do); none states a cost.
        int unitsWithUsage = 0;
        QFile events(enrichment.value("events").toString());
        QVERIFY2(events.open(QIODevice::ReadOnly), qPrintable(events.fileName()));
        for (const QByteArray &line : events.readAll().split('\n')) {
            const QJsonObject e = QJsonDocument::fromJson(line).object();
            if (e.value("type").toString() != QLatin1String("unit_finished"))
                continue;
            const QJsonObject data = e.value("data").toObject();
            QVERIFY(data.value("usage").toObject().value("input").toDouble() > 0);
            QVERIFY(!data.contains("costUsd"));
            ++unitsWithUsage;
        }
        QCOMPARE(unitsWithUsage, 14);

        // Plain mode, nothing changed: no model call.
        const int after = m_fake.requestCount();
        const Run again
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest")});
        QVERIFY2(again.exitCode == 0, again.out.constData());
        QVERIFY2(again.out.contains("enrichment: run"), again.out.constData());
        QCOMPARE(m_fake.requestCount(), after);
    }

    // A table dropped from the warehouse takes with it what only its evidence
    // backed (its wiki page), the report says so, and references to it go.
    void droppedTableEvictsWhatOnlyItBacked()
    {
        const QString project = copyTemplate(QStringLiteral("evict"));
        QVERIFY(!project.isEmpty());
        const QStringList ingestAll {QStringLiteral("--project-dir"), project,
                                     QStringLiteral("ingest"), QStringLiteral("--all"),
                                     QStringLiteral("--json")};
        const Run first = runKtx(ingestAll);
        QVERIFY2(first.exitCode == 0, first.out.constData());
        const QString page = project + QStringLiteral("/wiki/global/table-marketing_events.md");
        QVERIFY(QFile::exists(page));

        {
            const QString name = QStringLiteral("drop-table");
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(project + QStringLiteral("/data/demo-warehouse.sqlite"));
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY2(q.exec(QStringLiteral("DROP TABLE marketing_events")),
                         qPrintable(q.lastError().text()));
            }
            QSqlDatabase::removeDatabase(name);
        }

        const Run second = runKtx(ingestAll);
        QVERIFY2(second.exitCode == 0, second.out.constData());
        // The run's report names the eviction and the evidence that went.
        QJsonObject enrichment;
        const QJsonObject result = QJsonDocument::fromJson(second.out)
                                       .object()
                                       .value("results")
                                       .toArray()
                                       .at(0)
                                       .toObject();
        for (const QJsonValue &step : result.value("steps").toArray())
            if (step["operation"].toString() == QLatin1String("enrichment"))
                enrichment = step.toObject();
        const QByteArray step = QJsonDocument(enrichment).toJson(QJsonDocument::Compact);
        QFile log(enrichment.value("events").toString());
        QVERIFY2(log.open(QIODevice::ReadOnly), step.constData());
        const QByteArray events = log.readAll();
        QByteArray diffed;
        for (const QByteArray &line : events.split('\n'))
            if (line.contains("\"evicted\"") || line.contains("\"failed\"")
                || line.contains("diff"))
                diffed += line.left(400) + '\n';
        QVERIFY2(!QFile::exists(page), QByteArray(step + "\n" + diffed).constData());
        QVERIFY2(events.contains("\"evicted\"") && events.contains("wiki:table-marketing_events"),
                 diffed.constData());
        QVERIFY(QFile::exists(project + QStringLiteral("/wiki/global/table-orders.md")));
        QVERIFY(unparsable(project).isEmpty());
        QVERIFY(git(project, {"status", "--porcelain"}).second.isEmpty());
        QCOMPARE(git(project, {"fsck", "--no-progress"}).first, 0);
    }

    // `ktx ingest --text` with a model: the memory agent works as local-cli by
    // default, as --user-id says otherwise; its personal page lands under
    // wiki/user/<id>/ and --json names it user/<id>/<key>.
    void textCaptureWorksInTheUsersScope()
    {
        const QString project = copyTemplate(QStringLiteral("memory"));
        QVERIFY(!project.isEmpty());
        const auto capture = [&](const QStringList &extra) {
            return runKtx(QStringList {QStringLiteral("--project-dir"), project,
                                       QStringLiteral("ingest"), QStringLiteral("--json")}
                          + extra);
        };
        const auto capturedWiki = [](const Run &run) {
            return QJsonDocument::fromJson(run.out)
                .object()
                .value(QLatin1String("results"))
                .toArray()
                .first()
                .toObject()
                .value(QLatin1String("captured"))
                .toObject()
                .value(QLatin1String("wiki"))
                .toArray();
        };
        const auto capturedUser = [&] {
            for (const QString &path : git(project,
                                           {QStringLiteral("show"), QStringLiteral("--name-only"),
                                            QStringLiteral("--format="), QStringLiteral("HEAD")})
                                           .second.split(QLatin1Char('\n')))
                if (path.endsWith(QLatin1String("/capture.json"))) {
                    QFile f(project + QLatin1Char('/') + path);
                    f.open(QIODevice::ReadOnly);
                    return QJsonDocument::fromJson(f.readAll())
                        .object()
                        .value(QLatin1String("userId"))
                        .toString();
                }
            return QString();
        };

        const Run mine = capture(
            {QStringLiteral("--text"), QStringLiteral("I want weekly numbers as a table.")});
        QVERIFY2(mine.exitCode == 0, mine.out.constData());
        QCOMPARE(capturedWiki(mine), QJsonArray {QStringLiteral("user/local-cli/report-format")});
        QVERIFY(QFile::exists(project + QStringLiteral("/wiki/user/local-cli/report-format.md")));
        QCOMPARE(capturedUser(), QStringLiteral("local-cli"));

        const Run alice = capture({QStringLiteral("--text"),
                                   QStringLiteral("Alice: weekly numbers, as a table."),
                                   QStringLiteral("--user-id"), QStringLiteral("alice")});
        QVERIFY2(alice.exitCode == 0, alice.out.constData());
        QCOMPARE(capturedWiki(alice), QJsonArray {QStringLiteral("user/alice/report-format")});
        QVERIFY(QFile::exists(project + QStringLiteral("/wiki/user/alice/report-format.md")));
        QCOMPARE(capturedUser(), QStringLiteral("alice"));
        QVERIFY(!QFile::exists(project + QStringLiteral("/wiki/global/report-format.md")));
        QVERIFY(git(project, {QStringLiteral("status"), QStringLiteral("--porcelain")})
                    .second.isEmpty());

        const Run bad = capture({QStringLiteral("--text"), QStringLiteral("x"),
                                 QStringLiteral("--user-id"), QStringLiteral("../alice")});
        QCOMPARE(bad.exitCode, 2);
    }

    void noModelSaysWhatItSkipped()
    {
        QTemporaryDir dir;
        const QString project = dir.filePath(QStringLiteral("p"));
        QCOMPARE(runKtx({QStringLiteral("admin"), QStringLiteral("demo"), project}).exitCode, 0);
        const Run run
            = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("Skipped enrichment:") && run.out.contains("no model configured"),
                 run.out.constData());
    }

    void killAtRandomPoints()
    {
        // How long one whole run takes here, to spread the kills over it.
        const QString probe = copyTemplate(QStringLiteral("timing"));
        QElapsedTimer timer;
        timer.start();
        const Run full = runKtx({QStringLiteral("--project-dir"), probe, QStringLiteral("ingest"),
                                 QStringLiteral("--all"), QStringLiteral("--json")});
        const qint64 duration = timer.elapsed();
        QVERIFY2(full.exitCode == 0, full.out.constData());

        const int runs = qEnvironmentVariableIntValue("KTX_KILL_RUNS") > 0
            ? qEnvironmentVariableIntValue("KTX_KILL_RUNS")
            : 24;
        int inFlightLandings = 0;
        int interruptedSeen = 0;
        // Seed 0 is not random: it kills as soon as a work unit of the
        // enriched run has started, so at least one kill lands inside an
        // enriched run however slow or fast this machine is today.
        for (int seed = 0; seed <= runs; ++seed) {
            const QString project = copyTemplate(QStringLiteral("kill%1").arg(seed));
            QVERIFY(!project.isEmpty());
            QRandomGenerator random {quint32(seed)};
            int delay = int(random.bounded(quint32(duration)));
            QProcess p;
            p.start(qEnvironmentVariable("KTX_CLI"),
                    {QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                     QStringLiteral("--all"), QStringLiteral("--json")});
            QVERIFY(p.waitForStarted());
            if (seed == 0) {
                QElapsedTimer waited;
                waited.start();
                const auto unitStarted = [&project] {
                    const QDir runsDir(project + QStringLiteral("/.ktx/runs"));
                    for (const QString &run :
                         runsDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                        QFile events(runsDir.filePath(run + QStringLiteral("/events.jsonl")));
                        if (events.open(QIODevice::ReadOnly)
                            && events.readAll().contains("\"unit_started\""))
                            return true;
                    }
                    return false;
                };
                while (!unitStarted() && waited.elapsed() < 60000 && p.state() == QProcess::Running)
                    QThread::msleep(1);
                delay = int(waited.elapsed());
                QVERIFY2(p.state() == QProcess::Running, "the run ended before a unit started");
            } else {
                QThread::msleep(ulong(delay));
            }
            p.kill(); // SIGKILL
            p.waitForFinished(30000);
            const QString context
                = QStringLiteral("seed %1, killed after %2 ms").arg(seed).arg(delay);

            // A kill between the landing's first file and its ref move leaves
            // the journal; only then may the work tree differ until the next start.
            const bool landing = QFile::exists(project + QStringLiteral("/.ktx/landing.json"));
            inFlightLandings += landing ? 1 : 0;
            if (!landing)
                QVERIFY2(
                    git(project, {"status", "--porcelain"}).second.isEmpty(),
                    qPrintable(context + ": " + git(project, {"status", "--porcelain"}).second));
            const auto fsck = git(project, {"fsck", "--no-progress"});
            QVERIFY2(fsck.first == 0, qPrintable(context + ": " + fsck.second));
            if (!landing)
                QVERIFY2(unparsable(project).isEmpty(),
                         qPrintable(context + ": " + unparsable(project).join(", ")));
            QStringList killedRuns;
            const auto before = runStatuses(project);
            for (auto it = before.cbegin(); it != before.cend(); ++it)
                if (it.value() == QLatin1String("running"))
                    killedRuns << it.key();

            const Run next
                = runKtx({QStringLiteral("--project-dir"), project, QStringLiteral("ingest"),
                          QStringLiteral("--all"), QStringLiteral("--json")});
            QVERIFY2(next.exitCode == 0, qPrintable(context + ": " + next.out + next.err));
            QVERIFY2(git(project, {"status", "--porcelain"}).second.isEmpty(), qPrintable(context));
            QVERIFY2(unparsable(project).isEmpty(), qPrintable(context));
            QVERIFY(!QFile::exists(project + QStringLiteral("/.ktx/landing.json")));
            const QString runBranches = git(project, {"branch", "--list", "ktx/runs/*"}).second;
            QVERIFY2(runBranches.isEmpty(),
                     qPrintable(context + ": " + runBranches + "\n" + next.out + next.err));
            const auto after = runStatuses(project);
            for (const QString &id : std::as_const(killedRuns)) {
                QVERIFY2(after.value(id) == QLatin1String("interrupted"),
                         qPrintable(context + ": " + id + " is " + after.value(id)));
                ++interruptedSeen;
            }
            // The project ends enriched, whatever happened to the first run.
            QFile orders(project + QStringLiteral("/semantic-layer/demo_warehouse/orders.yaml"));
            QVERIFY(orders.open(QIODevice::ReadOnly));
            QVERIFY2(orders.readAll().contains("ai: Enriched orders."), qPrintable(context));
            QDir(project).removeRecursively();
        }
        qInfo("kill test: %d runs over %lld ms, %d killed mid-landing (finished by the next "
              "start), %d killed runs marked interrupted",
              runs, duration, inFlightLandings, interruptedSeen);
        QVERIFY(interruptedSeen > 0); // the kills did land inside enriched runs
    }
};

QTEST_GUILESS_MAIN(TestCliIngest)
#include "tst_cli_ingest.moc"
