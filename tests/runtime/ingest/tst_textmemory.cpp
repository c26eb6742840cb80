// Text memory ingest (ktx-spec §9.5) end to end on real git repositories in
// temp dirs: a captured note goes through the enriched pipeline (one memory
// agent unit, real agent loop on the openai-compatible backend against a
// scripted FakeModelServer) and lands as one commit with its raw capture.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/runstore.h"
#include "ingest/structuralingest.h"
#include "ingest/textmemoryadapter.h"
#include "ingest/textmemoryingest.h"
#include "project/configloader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString rawFileOf(const FakeModelServer::Request &r)
{
    static const QRegularExpression p(QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    return p.match(QString::fromUtf8(r.rawBody)).captured(1);
}

bool isReconcile(const FakeModelServer::Request &r)
{
    return r.rawBody.contains("## Changes of this run");
}

const QString Note = QStringLiteral("ARR is reported in cents in the warehouse; divide by 100.");

// The memory agent: read the note, record the ledger, optionally edit a
// source, write one wiki page citing the note.
Reply memoryAgent(const FakeModelServer::Request &r, const QString &connection)
{
    if (isReconcile(r))
        return Reply::say(QStringLiteral("nothing to reconcile"));
    const QString raw = rawFileOf(r);
    QList<Reply> steps;
    steps << Reply::call(QStringLiteral("read_raw_file"), {{QStringLiteral("path"), raw}});
    steps << Reply::call(QStringLiteral("record_verification_ledger"),
                         {{QStringLiteral("summary"), QStringLiteral("read the note")},
                          {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}});
    if (!connection.isEmpty())
        steps << Reply::call(
            QStringLiteral("sl_edit_source"),
            {{QStringLiteral("connectionId"), connection},
             {QStringLiteral("sourceName"), QStringLiteral("orders")},
             {QStringLiteral("yaml_edits"),
              QJsonArray {QJsonObject {
                  {QStringLiteral("oldText"), QStringLiteral("name: orders\n")},
                  {QStringLiteral("newText"),
                   QStringLiteral("name: orders\ndescriptions:\n  ai: Amounts are in cents.\n")}}}},
             {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    steps << Reply::call(
        QStringLiteral("wiki_write"),
        {{QStringLiteral("key"), QStringLiteral("arr-in-cents")},
         {QStringLiteral("content"),
          QString(QStringLiteral("---\nsummary: ARR is stored in cents.\ntags:\n  - finance\n")
                  + (connection.isEmpty() ? QString() : QStringLiteral("sl_refs:\n  - orders\n"))
                  + QStringLiteral("---\n\n# ARR in cents\n\n") + Note + QLatin1Char('\n'))},
         {QStringLiteral("rawPaths"), QJsonArray {raw}}});
    const int at = r.toolResultCount();
    return at < steps.size() ? steps.at(at) : Reply::say(QStringLiteral("remembered"));
}

} // namespace

class TestTextMemory : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;

    QString makeProject(bool structural, ProjectConfig *config)
    {
        const QString dir = m_tmp.filePath(QStringLiteral("p%1").arg(++m_counter));
        if (!DemoProject::create(dir).ok())
            return {};
        *config = ConfigLoader::loadFile(dir + QStringLiteral("/ktx.yaml"))->config;
        config->scan.relationships.enabled = false;
        if (structural
            && !StructuralIngest::run(dir, *config,
                                      *config->connection(DemoProject::connectionId()))
                    .ok())
            return {};
        return dir;
    }

    TextMemoryIngest::Request requestFor(const QString &dir, const ProjectConfig &config,
                                         const FakeModelServer &fake)
    {
        TextMemoryIngest::Request r;
        r.projectDir = dir;
        r.config = config;
        r.appVersion = QStringLiteral("test");
        r.llm.backend = QStringLiteral("openai-compatible");
        r.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        r.llm.baseUrl = QUrl(fake.baseUrl().toString() + QStringLiteral("/v1"));
        r.llm.apiKey = QStringLiteral("sk-test");
        r.llm.idleTimeoutMs = 5000;
        r.note.label = QStringLiteral("text 1");
        r.note.content = Note.toUtf8();
        return r;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void fileNames_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text") << "text 1"
                              << "text-1.md";
        QTest::newRow("path") << "/home/a/Notes/ARR Rules.md"
                              << "arr-rules.md";
        QTest::newRow("markdown") << "x.markdown"
                                  << "x.md";
        QTest::newRow("dots") << "../.."
                              << "note.md";
        QTest::newRow("stdin") << "-"
                               << "note.md";
    }
    void fileNames()
    {
        QFETCH(QString, label);
        QFETCH(QString, expected);
        QCOMPARE(TextMemoryAdapter::fileNameFor(label), expected);
    }

    void rawFolders()
    {
        QCOMPARE(TextMemoryAdapter::rawFolder(QString()),
                 QStringLiteral("raw-sources/_global/text-memory"));
        QCOMPARE(TextMemoryAdapter::rawFolder(QStringLiteral("warehouse")),
                 QStringLiteral("raw-sources/warehouse/text-memory"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d-\\d{6}-job1$"))
                    .match(TextMemoryAdapter::syncIdFor(QStringLiteral("job1")))
                    .hasMatch());
    }

    void noModelIsAClearError()
    {
        ProjectConfig config;
        config.llm.backend = QStringLiteral("none");
        auto llm = TextMemoryIngest::llmFor(config, m_tmp.path());
        QVERIFY(!llm.ok());
        QCOMPARE(llm.error().code, QStringLiteral("no_model"));
        QVERIFY2(llm.error().hint.contains(QLatin1String("ktx setup")),
                 qPrintable(llm.error().hint));
    }

    void noteBecomesWikiPageInOneCommit()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int) { return memoryAgent(r, {}); });

        auto ran = TextMemoryIngest::run(requestFor(dir, config, fake));
        QVERIFY2(ran.ok(), ran.ok() ? "" : qPrintable(ran.error().toText()));
        QCOMPARE(ran->record.status, QStringLiteral("landed"));
        QCOMPARE(ran->record.sourceKey, QStringLiteral("text-memory"));
        QVERIFY(ran->report.failedWorkUnits.isEmpty());

        // Exactly one new commit, holding the page and the raw capture.
        const QString head = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD~1")}), before);
        QVERIFY(
            git(dir, {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%s")})
                .startsWith(QLatin1String("ingest(text-memory): memory-")));
        const QStringList files
            = git(dir, {QStringLiteral("diff"), QStringLiteral("--name-only"), before, head})
                  .split(QLatin1Char('\n'));
        QCOMPARE(files.size(), 2);
        QCOMPARE(files.at(1), QStringLiteral("wiki/global/arr-in-cents.md"));
        QVERIFY2(files.at(0).startsWith(QLatin1String("raw-sources/_global/text-memory/"))
                     && files.at(0).endsWith(QLatin1String("/text-1.md")),
                 qPrintable(files.at(0)));
        QCOMPARE(readAll(dir + QLatin1Char('/') + files.at(0)), Note.toUtf8());
        QVERIFY(readAll(dir + QStringLiteral("/wiki/global/arr-in-cents.md"))
                    .contains("summary: ARR is stored in cents."));
        QVERIFY(git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}).isEmpty());

        // The agent read the note through its tool, not from the prompt.
        bool sawNote = false;
        for (const auto &r : fake.requests())
            sawNote = sawNote || r.lastToolResult().contains(Note);
        QVERIFY(sawNote);

        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->status, QStringLiteral("done"));
        QVERIFY(status->done());
        QCOMPARE(status->wiki, QStringList {QStringLiteral("arr-in-cents")});
        QVERIFY(status->sl.isEmpty());
        QCOMPARE(status->commitHash, head);
        QVERIFY(status->signalDetected);
        QVERIFY(status->error.isEmpty());
        QCOMPARE(status->skillsLoaded, QStringList {QStringLiteral("wiki_capture")});
    }

    void connectionNoteEditsTheSemanticLayer()
    {
        ProjectConfig config;
        const QString dir = makeProject(true, &config);
        QVERIFY(!dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        FakeModelServer fake;
        fake.setScript(
            [conn](const FakeModelServer::Request &r, int) { return memoryAgent(r, conn); });
        auto request = requestFor(dir, config, fake);
        request.connectionId = conn;
        auto ran = TextMemoryIngest::run(request);
        QVERIFY2(ran.ok(), ran.ok() ? "" : qPrintable(ran.error().toText()));
        QCOMPARE(ran->record.status, QStringLiteral("landed"));
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->status, QStringLiteral("done"));
        QCOMPARE(status->sl, QStringList {conn + QStringLiteral(":orders")});
        QCOMPARE(status->xrefs, QStringList {QStringLiteral("arr-in-cents -> orders")});
        QVERIFY(status->skillsLoaded.contains(QStringLiteral("sl_capture")));
        const QString changed = git(dir,
                                    {QStringLiteral("show"), QStringLiteral("--name-only"),
                                     QStringLiteral("--format="), QStringLiteral("HEAD")});
        QVERIFY2(changed.contains(QStringLiteral("raw-sources/%1/text-memory/").arg(conn)),
                 qPrintable(changed));
        QVERIFY2(changed.contains(QLatin1String("/orders.")), qPrintable(changed));
    }

    void untaggedNoteCannotEditTheSemanticLayer()
    {
        // Without a connection the agent's semantic-layer write is refused;
        // the unit still lands its wiki page.
        ProjectConfig config;
        const QString dir = makeProject(true, &config);
        QVERIFY(!dir.isEmpty());
        const QString conn = DemoProject::connectionId();
        FakeModelServer fake;
        fake.setScript(
            [conn](const FakeModelServer::Request &r, int) { return memoryAgent(r, conn); });
        auto ran = TextMemoryIngest::run(requestFor(dir, config, fake));
        QVERIFY(ran.ok());
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QVERIFY(status->sl.isEmpty());
        QCOMPARE(status->wiki, QStringList {QStringLiteral("arr-in-cents")});
        bool refused = false;
        for (const auto &r : fake.requests())
            refused = refused
                || (r.toolResultCount() == 3
                    && r.lastToolResult().contains(QLatin1String("may write sources only for"))
                    && !isReconcile(r));
        QVERIFY(refused);
        const QString changed = git(dir,
                                    {QStringLiteral("show"), QStringLiteral("--name-only"),
                                     QStringLiteral("--format="), QStringLiteral("HEAD")});
        QVERIFY2(!changed.contains(QLatin1String("semantic-layer/")), qPrintable(changed));
    }

    void nothingWorthKeepingLandsOnlyTheCapture()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) {
            return Reply::say(QStringLiteral("Just a greeting; nothing to remember."));
        });
        auto ran = TextMemoryIngest::run(requestFor(dir, config, fake));
        QVERIFY(ran.ok());
        QCOMPARE(ran->record.status, QStringLiteral("landed"));
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->status, QStringLiteral("done"));
        QVERIFY(status->wiki.isEmpty());
        QVERIFY(!status->signalDetected);
        const QString changed = git(dir,
                                    {QStringLiteral("show"), QStringLiteral("--name-only"),
                                     QStringLiteral("--format="), QStringLiteral("HEAD")});
        QVERIFY2(changed.startsWith(QLatin1String("raw-sources/_global/text-memory/"))
                     && !changed.contains(QLatin1Char('\n')),
                 qPrintable(changed));
    }

    void failingModelIsAnErrorStatus()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) {
            return Reply::httpError(400, QStringLiteral("invalid_request_error"));
        });
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        auto ran = TextMemoryIngest::run(requestFor(dir, config, fake));
        QVERIFY(ran.ok());
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->status, QStringLiteral("error"));
        QVERIFY(status->done());
        QVERIFY2(status->error.contains(QLatin1String("memory agent failed")),
                 qPrintable(status->error));
        QVERIFY(status->wiki.isEmpty());
        Q_UNUSED(before);
    }
};

QTEST_GUILESS_MAIN(TestTextMemory)
#include "tst_textmemory.moc"
