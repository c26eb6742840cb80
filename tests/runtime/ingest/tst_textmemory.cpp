// Text memory ingest (ktx-spec §9.5) end to end on real git repositories in
// temp dirs: a captured note goes through the enriched pipeline (one memory
// agent unit, real agent loop on the openai-compatible backend against a
// scripted FakeModelServer) and lands as one commit with its raw capture.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "ingest/artifactgates.h"
#include "ingest/ingesttoolsession.h"
#include "ingest/runstore.h"
#include "ingest/structuralingest.h"
#include "ingest/textmemoryadapter.h"
#include "ingest/textmemoryingest.h"
#include "ingest/workunitprompt.h"
#include "project/configloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
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

using Call = QPair<QString, QJsonObject>;

// A memory agent that reads the note, records the ledger, then makes `calls`
// in order (writes cite the note), then stops. Call i's result is in the
// request with i + 3 tool results.
Reply agentMaking(const FakeModelServer::Request &r, const QList<Call> &calls)
{
    if (isReconcile(r))
        return Reply::say(QStringLiteral("nothing to reconcile"));
    const QString raw = rawFileOf(r);
    QList<Reply> steps;
    steps << Reply::call(QStringLiteral("read_raw_file"), {{QStringLiteral("path"), raw}});
    steps << Reply::call(QStringLiteral("record_verification_ledger"),
                         {{QStringLiteral("summary"), QStringLiteral("read the note")},
                          {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}});
    for (Call call : calls) {
        if (call.first.startsWith(QLatin1String("wiki_w"))
            || call.first.startsWith(QLatin1String("wiki_rem")))
            call.second.insert(QStringLiteral("rawPaths"), QJsonArray {raw});
        steps << Reply::call(call.first, call.second);
    }
    const int at = r.toolResultCount();
    return at < steps.size() ? steps.at(at) : Reply::say(QStringLiteral("done"));
}

// The unit agent's requests (not reconcile's).
QList<FakeModelServer::Request> unitRequests(const QList<FakeModelServer::Request> &all)
{
    QList<FakeModelServer::Request> out;
    for (const auto &r : all)
        if (!isReconcile(r))
            out << r;
    return out;
}

// The result of call i of agentMaking's `calls`.
QString resultOf(const QList<FakeModelServer::Request> &requests, int i)
{
    for (const auto &r : requests)
        if (!isReconcile(r) && r.toolResultCount() == i + 3)
            return r.lastToolResult();
    return QStringLiteral("(no such call)");
}

// System and user prompt text of an OpenAI chat request.
QString promptsOf(const FakeModelServer::Request &r)
{
    QString out;
    for (const QJsonValue &m : r.body.value(QLatin1String("messages")).toArray())
        if (m[QLatin1String("role")].toString() != QLatin1String("tool"))
            out += m[QLatin1String("content")].toString() + QLatin1Char('\n');
    return out;
}

QString pageText(const QString &summary, const QStringList &refs = {}, const QString &body = {})
{
    QString text = QStringLiteral("---\nsummary: %1\n").arg(summary);
    if (!refs.isEmpty())
        text += QStringLiteral("refs:\n  - ") + refs.join(QStringLiteral("\n  - "))
            + QLatin1Char('\n');
    return text + QStringLiteral("---\n\n") + (body.isEmpty() ? summary : body) + QLatin1Char('\n');
}

// Commits pages as a person would (repository path -> text).
bool commitFiles(const QString &dir, const QMap<QString, QString> &files)
{
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const QString path = dir + QLatin1Char('/') + it.key();
        QDir().mkpath(QFileInfo(path).path());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(it.value().toUtf8()) < 0)
            return false;
    }
    git(dir, {QStringLiteral("add"), QStringLiteral("-A")});
    git(dir,
        {QStringLiteral("-c"), QStringLiteral("user.name=t"), QStringLiteral("-c"),
         QStringLiteral("user.email=t@t"), QStringLiteral("commit"), QStringLiteral("-qm"),
         QStringLiteral("seed pages")});
    return git(dir, {QStringLiteral("status"), QStringLiteral("--porcelain")}).isEmpty();
}

QStringList headFiles(const QString &dir)
{
    return git(dir,
               {QStringLiteral("show"), QStringLiteral("--name-only"), QStringLiteral("--format="),
                QStringLiteral("HEAD")})
        .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
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
        // Sorted by git: the capture record, the note, the page.
        QCOMPARE(files.size(), 3);
        QCOMPARE(files.at(2), QStringLiteral("wiki/global/arr-in-cents.md"));
        QVERIFY2(files.at(1).startsWith(QLatin1String("raw-sources/_global/text-memory/"))
                     && files.at(1).endsWith(QLatin1String("/text-1.md")),
                 qPrintable(files.at(1)));
        QCOMPARE(readAll(dir + QLatin1Char('/') + files.at(1)), Note.toUtf8());
        // Who captured it travels with the note: the CLI's default user.
        QCOMPARE(files.at(0), files.at(1).section(QLatin1Char('/'), 0, -2) + "/capture.json");
        const QJsonObject capture
            = QJsonDocument::fromJson(readAll(dir + QLatin1Char('/') + files.at(0))).object();
        QCOMPARE(capture.value(QLatin1String("userId")).toString(), QStringLiteral("local-cli"));
        QCOMPARE(capture.value(QLatin1String("label")).toString(), QStringLiteral("text 1"));
        QCOMPARE(capture.value(QLatin1String("file")).toString(), QStringLiteral("text-1.md"));
        QVERIFY(capture.value(QLatin1String("connectionId")).isNull());
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
        const QStringList lines = changed.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2); // the note and its capture record
        for (const QString &line : lines)
            QVERIFY2(line.startsWith(QLatin1String("raw-sources/_global/text-memory/")),
                     qPrintable(changed));
    }

    // A scripted agent writes with scope "user": the page lands under
    // wiki/user/alice/, is reported as user/alice/<key>, and only alice's later
    // runs see it in the index, in wiki_search and in wiki_read.
    void userScopeWriteIsSeenOnlyByThatUser()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        FakeModelServer fake;
        const QString prefs = pageText(QStringLiteral("Alice wants answers as tables."), {},
                                       QStringLiteral("Alice prefers results as tables."));
        fake.setScript([&](const FakeModelServer::Request &r, int) {
            return agentMaking(r,
                               {{QStringLiteral("wiki_write"),
                                 {{QStringLiteral("key"), QStringLiteral("answer-style")},
                                  {QStringLiteral("scope"), QStringLiteral("user")},
                                  {QStringLiteral("content"), prefs}}}});
        });
        auto request = requestFor(dir, config, fake);
        request.userId = QStringLiteral("alice");
        auto ran = TextMemoryIngest::run(request);
        QVERIFY2(ran.ok(), ran.ok() ? "" : qPrintable(ran.error().toText()));
        QCOMPARE(ran->record.status, QStringLiteral("landed"));
        QCOMPARE(resultOf(fake.requests(), 0),
                 QStringLiteral("Wrote wiki page user/alice/answer-style "
                                "(wiki/user/alice/answer-style.md)."));
        QCOMPARE(readAll(dir + QStringLiteral("/wiki/user/alice/answer-style.md")), prefs.toUtf8());
        QVERIFY(!QFile::exists(dir + QStringLiteral("/wiki/global/answer-style.md")));
        const QStringList files = headFiles(dir);
        QVERIFY2(files.contains(QStringLiteral("wiki/user/alice/answer-style.md")),
                 qPrintable(files.join(QLatin1Char(' '))));
        QCOMPARE(files.size(), 3); // capture.json, the note, the page
        QString capturePath;
        for (const QString &f : files)
            if (f.endsWith(QLatin1String("/capture.json")))
                capturePath = f;
        QCOMPARE(QJsonDocument::fromJson(readAll(dir + QLatin1Char('/') + capturePath))
                     .object()
                     .value(QLatin1String("userId"))
                     .toString(),
                 QStringLiteral("alice"));
        // Reports name user pages in the MCP key form.
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->status, QStringLiteral("done"));
        QCOMPARE(status->wiki, QStringList {QStringLiteral("user/alice/answer-style")});
        QCOMPARE(ran->report.workUnits.size(), 1);
        QCOMPARE(ran->report.workUnits.first().actions.first().key,
                 QStringLiteral("user/alice/answer-style"));
        // The agent was told whose note it is, and wiki_write offered the scope.
        const auto first = fake.requests().first();
        QVERIFY(promptsOf(first).contains(QLatin1String("User alice captured this note")));
        QVERIFY(first.rawBody.contains("\"scope\":{"));

        // alice again (another note: the same one would replay from the work-unit
        // cache): the index, wiki_search and wiki_read show her page.
        request.note.content = "Where did I put my table preferences?";
        const QList<Call> look {
            {QStringLiteral("wiki_search"), {{QStringLiteral("query"), QStringLiteral("tables")}}},
            {QStringLiteral("wiki_read"),
             {{QStringLiteral("key"), QStringLiteral("answer-style")}}},
            {QStringLiteral("wiki_read"),
             {{QStringLiteral("key"), QStringLiteral("user/alice/answer-style")}}}};
        qsizetype before = fake.requests().size();
        fake.setScript(
            [&](const FakeModelServer::Request &r, int) { return agentMaking(r, look); });
        QVERIFY(TextMemoryIngest::run(request).ok());
        auto seen = unitRequests(fake.requests().mid(before));
        QVERIFY(!seen.isEmpty());
        QVERIFY2(promptsOf(seen.first())
                     .contains(QLatin1String(
                         "- answer-style (user alice): Alice wants answers as tables.")),
                 qPrintable(promptsOf(seen.first())));
        QCOMPARE(resultOf(seen, 0),
                 QStringLiteral("- answer-style (user alice): Alice wants answers as tables.\n"));
        QVERIFY2(resultOf(seen, 1).contains(QLatin1String("Alice prefers results as tables.")),
                 qPrintable(resultOf(seen, 1)));
        QVERIFY(resultOf(seen, 2).contains(QLatin1String("Alice prefers results as tables.")));

        // bob: none of it.
        before = fake.requests().size();
        request.userId = QStringLiteral("bob");
        QVERIFY(TextMemoryIngest::run(request).ok());
        seen = unitRequests(fake.requests().mid(before));
        QVERIFY(!seen.isEmpty());
        QVERIFY(promptsOf(seen.first()).contains(QLatin1String("User bob captured this note")));
        QVERIFY(!promptsOf(seen.first()).contains(QLatin1String("answer-style")));
        QCOMPARE(resultOf(seen, 0), QStringLiteral("No wiki page matches."));
        QVERIFY2(resultOf(seen, 1).contains(QLatin1String("No wiki page \"answer-style\"")),
                 qPrintable(resultOf(seen, 1)));
        QVERIFY2(resultOf(seen, 2).contains(QLatin1String("Only the pages of user bob")),
                 qPrintable(resultOf(seen, 2)));
        for (const auto &r : std::as_const(seen))
            QVERIFY(!r.rawBody.contains("Alice prefers"));
    }

    // A user page shadows the global page with the same key: wiki_read of the
    // bare key, the index and wiki_search show alice hers; scope global (or a
    // global/ key) reads the shared one; bob sees only the shared one.
    void userPageShadowsTheGlobalPage()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        QVERIFY(commitFiles(dir,
                            {{QStringLiteral("wiki/global/revenue.md"),
                              pageText(QStringLiteral("Quokka revenue is net of refunds."))},
                             {QStringLiteral("wiki/user/alice/revenue.md"),
                              pageText(QStringLiteral("Quokka revenue is gross for Alice."))}}));
        const QList<Call> look {
            {QStringLiteral("wiki_read"), {{QStringLiteral("key"), QStringLiteral("revenue")}}},
            {QStringLiteral("wiki_read"),
             {{QStringLiteral("key"), QStringLiteral("revenue")},
              {QStringLiteral("scope"), QStringLiteral("global")}}},
            {QStringLiteral("wiki_read"),
             {{QStringLiteral("key"), QStringLiteral("global/revenue")}}},
            {QStringLiteral("wiki_search"), {{QStringLiteral("query"), QStringLiteral("quokka")}}}};
        FakeModelServer fake;
        fake.setScript(
            [&](const FakeModelServer::Request &r, int) { return agentMaking(r, look); });
        auto request = requestFor(dir, config, fake);
        request.userId = QStringLiteral("alice");
        QVERIFY(TextMemoryIngest::run(request).ok());
        auto seen = unitRequests(fake.requests());
        QVERIFY(!seen.isEmpty());
        const QString mine = resultOf(seen, 0);
        QVERIFY2(mine.contains(QLatin1String("Quokka revenue is gross for Alice."))
                     && mine.contains(QLatin1String("shadows the global page"))
                     && !mine.contains(QLatin1String("net of refunds")),
                 qPrintable(mine));
        QCOMPARE(resultOf(seen, 1), pageText(QStringLiteral("Quokka revenue is net of refunds.")));
        QCOMPARE(resultOf(seen, 2), pageText(QStringLiteral("Quokka revenue is net of refunds.")));
        QCOMPARE(resultOf(seen, 3),
                 QStringLiteral("- revenue (user alice): Quokka revenue is gross for Alice.\n"));
        const QString prompt = promptsOf(seen.first());
        QVERIFY(prompt.contains(
            QLatin1String("- revenue (user alice): Quokka revenue is gross for Alice.")));
        QVERIFY(!prompt.contains(QLatin1String("net of refunds")));

        const qsizetype before = fake.requests().size();
        request.userId = QStringLiteral("bob");
        QVERIFY(TextMemoryIngest::run(request).ok());
        seen = unitRequests(fake.requests().mid(before));
        QCOMPARE(resultOf(seen, 0), pageText(QStringLiteral("Quokka revenue is net of refunds.")));
        QVERIFY(promptsOf(seen.first())
                    .contains(QLatin1String("- revenue: Quokka revenue is net of refunds.")));
        QVERIFY(!promptsOf(seen.first()).contains(QLatin1String("Alice")));
    }

    // A global page is read by everyone, so it may not reference a user page
    // (front-matter refs or [[links]]); the same page in the user's scope may.
    void globalPageMayNotReferenceAUserPage()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        QVERIFY(commitFiles(dir,
                            {{QStringLiteral("wiki/user/alice/my-metrics.md"),
                              pageText(QStringLiteral("The metrics Alice tracks."))},
                             {QStringLiteral("wiki/global/arr.md"),
                              pageText(QStringLiteral("How ARR is defined."))}}));
        const QString kpis = pageText(QStringLiteral("Team KPIs."),
                                      {QStringLiteral("my-metrics"), QStringLiteral("arr")});
        const QList<Call> calls {{QStringLiteral("wiki_write"),
                                  {{QStringLiteral("key"), QStringLiteral("team-kpis")},
                                   {QStringLiteral("content"), kpis}}},
                                 {QStringLiteral("wiki_write"),
                                  {{QStringLiteral("key"), QStringLiteral("kpi-links")},
                                   {QStringLiteral("scope"), QStringLiteral("global")},
                                   {QStringLiteral("content"),
                                    pageText(QStringLiteral("KPI links."), {},
                                             QStringLiteral("See [[my-metrics]] and [[arr]]."))}}},
                                 {QStringLiteral("wiki_write"),
                                  {{QStringLiteral("key"), QStringLiteral("team-kpis")},
                                   {QStringLiteral("scope"), QStringLiteral("user")},
                                   {QStringLiteral("content"), kpis}}}};
        FakeModelServer fake;
        fake.setScript(
            [&](const FakeModelServer::Request &r, int) { return agentMaking(r, calls); });
        auto request = requestFor(dir, config, fake);
        request.userId = QStringLiteral("alice");
        auto ran = TextMemoryIngest::run(request);
        QVERIFY(ran.ok());
        QCOMPARE(ran->record.status, QStringLiteral("landed"));
        const auto seen = unitRequests(fake.requests());
        for (int i : {0, 1})
            QVERIFY2(resultOf(seen, i).contains(QLatin1String(
                         "A global page may not reference user pages (my-metrics): only user "
                         "alice can see them")),
                     qPrintable(resultOf(seen, i)));
        QVERIFY2(
            resultOf(seen, 2).startsWith(QLatin1String("Wrote wiki page user/alice/team-kpis")),
            qPrintable(resultOf(seen, 2)));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/wiki/global/team-kpis.md")));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/wiki/global/kpi-links.md")));
        // The gates keep the user page's references: both are visible to alice.
        QCOMPARE(readAll(dir + QStringLiteral("/wiki/user/alice/team-kpis.md")), kpis.toUtf8());
        QVERIFY(ran->report.finalGatePrunedReferences.isEmpty());
        const auto status = TextMemoryIngest::status(dir, ran->record.runId);
        QVERIFY(status);
        QCOMPARE(status->wiki, QStringList {QStringLiteral("user/alice/team-kpis")});
    }

    // The gates walk global and user pages the run touched and judge each
    // reference in the page's scope.
    void gatesJudgeReferencesInTheirScope()
    {
        auto base = std::make_shared<BaseTree>();
        base->insert(QStringLiteral("wiki/global/arr.md"),
                     pageText(QStringLiteral("ARR.")).toUtf8());
        base->insert(QStringLiteral("wiki/user/alice/mine.md"),
                     pageText(QStringLiteral("Alice's.")).toUtf8());
        base->insert(QStringLiteral("wiki/user/bob/his.md"),
                     pageText(QStringLiteral("Bob's.")).toUtf8());
        ContextOverlay run(base);
        run.write(
            QStringLiteral("wiki/global/shared.md"),
            pageText(QStringLiteral("Shared."), {QStringLiteral("arr"), QStringLiteral("mine")})
                .toUtf8());
        run.write(QStringLiteral("wiki/user/alice/notes.md"),
                  pageText(QStringLiteral("Notes."),
                           {QStringLiteral("arr"), QStringLiteral("mine"), QStringLiteral("his")})
                      .toUtf8());
        const auto outcome = ArtifactGates::apply(run, {});
        QVERIFY(outcome.dropped.isEmpty());
        QCOMPARE(outcome.pruned.size(), 2);
        QMap<QString, GatePrune> byArtifact;
        for (const GatePrune &p : outcome.pruned)
            byArtifact.insert(p.artifact, p);
        const GatePrune global = byArtifact.value(QStringLiteral("wiki:shared"));
        QCOMPARE(global.kind, QStringLiteral("out_of_scope_wiki_ref"));
        QCOMPARE(global.removedRef, QStringLiteral("mine"));
        const GatePrune user = byArtifact.value(QStringLiteral("wiki:user/alice/notes"));
        QCOMPARE(user.kind, QStringLiteral("missing_wiki_ref"));
        QCOMPARE(user.removedRef, QStringLiteral("his"));
        QCOMPARE(*run.read(QStringLiteral("wiki/global/shared.md")),
                 pageText(QStringLiteral("Shared."), {QStringLiteral("arr")}).toUtf8());
        QCOMPARE(*run.read(QStringLiteral("wiki/user/alice/notes.md")),
                 pageText(QStringLiteral("Notes."), {QStringLiteral("arr"), QStringLiteral("mine")})
                     .toUtf8());
    }

    // Ingest work units have no user: their wiki tools and index stay global.
    void unitsWithoutAUserSeeOnlyGlobalPages()
    {
        auto base = std::make_shared<BaseTree>();
        base->insert(QStringLiteral("wiki/global/arr.md"),
                     pageText(QStringLiteral("ARR in cents.")).toUtf8());
        base->insert(QStringLiteral("wiki/user/alice/arr.md"),
                     pageText(QStringLiteral("Alice's ARR in dollars.")).toUtf8());
        base->insert(QStringLiteral("raw-sources/w/x/1/t.json"), "{}");
        IngestToolScope scope;
        scope.allowedRawPaths = {QStringLiteral("raw-sources/w/x/1/t.json")};
        IngestToolSession session(scope, std::make_shared<ContextOverlay>(base));
        ToolSet tools = session.toolSet();
        const auto call = [&](const QString &tool, const QJsonObject &args) {
            return tools.call(tool, args, CancellationToken());
        };
        QVERIFY(!QJsonDocument(tools.find(QStringLiteral("wiki_write"))->inputSchema)
                     .toJson()
                     .contains("scope"));
        QVERIFY(!call(QStringLiteral("record_verification_ledger"),
                      {{QStringLiteral("summary"), QStringLiteral("s")},
                       {QStringLiteral("verifiedIdentifiers"), QJsonArray {}}})
                     .isError);
        ToolOutput out
            = call(QStringLiteral("wiki_read"), {{QStringLiteral("key"), QStringLiteral("arr")}});
        QVERIFY(out.text.contains(QLatin1String("ARR in cents.")));
        out = call(QStringLiteral("wiki_search"),
                   {{QStringLiteral("query"), QStringLiteral("dollars")}});
        QCOMPARE(out.text, QStringLiteral("No wiki page matches."));
        out = call(QStringLiteral("wiki_read"),
                   {{QStringLiteral("key"), QStringLiteral("user/alice/arr")}});
        QVERIFY(out.isError);
        out = call(QStringLiteral("wiki_write"),
                   {{QStringLiteral("key"), QStringLiteral("x")},
                    {QStringLiteral("scope"), QStringLiteral("user")},
                    {QStringLiteral("content"), pageText(QStringLiteral("X."))},
                    {QStringLiteral("rawPaths"),
                     QJsonArray {QStringLiteral("raw-sources/w/x/1/t.json")}}});
        QVERIFY(out.isError);
        QVERIFY2(out.text.contains(QLatin1String("no user")), qPrintable(out.text));
        QVERIFY(session.actions().isEmpty());
        const QString index = WorkUnitPrompt::wikiIndex(*base);
        QVERIFY(index.contains(QLatin1String("- arr: ARR in cents.")));
        QVERIFY(!index.contains(QLatin1String("dollars")));
    }

    void invalidUserIdIsRefusedBeforeTheRun()
    {
        ProjectConfig config;
        const QString dir = makeProject(false, &config);
        QVERIFY(!dir.isEmpty());
        const QString before = git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        FakeModelServer fake;
        auto request = requestFor(dir, config, fake);
        for (const QString &bad : {QString(), QStringLiteral("../etc"), QStringLiteral("a/b"),
                                   QStringLiteral(".hidden"), QStringLiteral("x y")}) {
            request.userId = bad;
            auto ran = TextMemoryIngest::run(request);
            QVERIFY2(!ran.ok(), qPrintable(bad));
            QCOMPARE(ran.error().code, QStringLiteral("invalid_user_id"));
            QVERIFY(ran.error().message.contains(QLatin1String("letters, digits")));
        }
        QCOMPARE(fake.requestCount(), 0);
        QCOMPARE(git(dir, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), before);
        auto store = RunStore::open(dir);
        QVERIFY(!store.ok() || (*store)->runs().isEmpty());
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
