// Review of pending runs end to end: the demo warehouse, structural ingest, a
// review-mode enriched run by the real pipeline against a scripted fake model
// (one unit writes two hunks of orders.yaml through two tool calls), then
// decisions per run, file and hunk, apply, rejection memory and conflicts, all
// on real git repositories in temp dirs checked with the git command line.
#include "demo/demoproject.h"
#include "fakemodelserver.h"
#include "git/gitdiff.h"
#include "git/gitrepository.h"
#include "ingest/ingestrun.h"
#include "ingest/runstore.h"
#include "ingest/structuralingest.h"
#include "project/configloader.h"
#include "review/pendingruns.h"
#include "review/reviewstore.h"
#include "review/runreview.h"

#include <QDir>
#include <QFile>
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

QString git(const QString &dir, const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    if (exitCode)
        *exitCode = p.exitCode();
    return QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
}

// A file's exact bytes at a revision (`git show` without trimming).
QByteArray gitBytes(const QString &dir, const QString &spec)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), {QStringLiteral("show"), spec});
    p.waitForFinished(30000);
    return p.readAllStandardOutput();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QString tableOf(const FakeModelServer::Request &r)
{
    static const QRegularExpression p(QStringLiteral("### notes\\\\nTable ([A-Za-z0-9_]+) \\("));
    return p.match(QString::fromUtf8(r.rawBody)).captured(1);
}

QJsonObject edit(const QString &connection, const QString &table, const QString &oldText,
                 const QString &newText, const QString &raw)
{
    return {{QStringLiteral("connectionId"), connection},
            {QStringLiteral("sourceName"), table},
            {QStringLiteral("yaml_edits"),
             QJsonArray {QJsonObject {{QStringLiteral("oldText"), oldText},
                                      {QStringLiteral("newText"), newText}}}},
            {QStringLiteral("rawPaths"), QJsonArray {raw}}};
}

// Every unit adds an AI description under the name; the orders unit also
// rewrites the row_count description (a second hunk, far from the first, by a
// second tool call) and writes a wiki page.
Reply unitScript(const FakeModelServer::Request &r, const QString &connection)
{
    const QString table = tableOf(r);
    static const QRegularExpression rawPattern(
        QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
    const QString raw = rawPattern.match(QString::fromUtf8(r.rawBody)).captured(1);
    const bool orders = table == QLatin1String("orders");
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
            edit(connection, table, QStringLiteral("name: %1\n").arg(table),
                 QStringLiteral("name: %1\ndescriptions:\n  ai: The %1 of Ridgeline Coffee.\n")
                     .arg(table),
                 raw));
    case 3:
        if (orders)
            return Reply::call(
                QStringLiteral("sl_edit_source"),
                edit(connection, table, QStringLiteral("description: Number of rows in orders.\n"),
                     QStringLiteral("description: Orders placed, one row each.\n"), raw));
        return Reply::say(QStringLiteral("done"));
    case 4:
        if (orders)
            return Reply::call(
                QStringLiteral("wiki_write"),
                {{QStringLiteral("key"), QStringLiteral("order-lifecycle")},
                 {QStringLiteral("content"),
                  QStringLiteral("---\nsummary: How an order moves from placed to delivered.\n"
                                 "sl_refs:\n  - orders\n---\n\n# Order lifecycle\n\nPlaced, "
                                 "paid, shipped, delivered.\n")},
                 {QStringLiteral("rawPaths"), QJsonArray {raw}}});
        return Reply::say(QStringLiteral("done"));
    default:
        return Reply::say(QStringLiteral("done"));
    }
}

const ReviewFile *fileOf(const RunReview &review, const QString &path)
{
    for (const ReviewFile &f : review.files())
        if (f.diff.path == path)
            return &f;
    return nullptr;
}

} // namespace

class TestReview : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;
    std::unique_ptr<FakeModelServer> m_fake;
    QString m_conn;

    QString ordersPath() const
    {
        return QStringLiteral("semantic-layer/%1/orders.yaml").arg(m_conn);
    }
    QString customersPath() const
    {
        return QStringLiteral("semantic-layer/%1/customers.yaml").arg(m_conn);
    }
    static QString wikiPath() { return QStringLiteral("wiki/global/order-lifecycle.md"); }

    struct Demo
    {
        QString dir;
        ProjectConfig config;
    };

    Demo makeDemo()
    {
        Demo d;
        d.dir = m_tmp.filePath(QStringLiteral("demo%1").arg(++m_counter));
        if (!DemoProject::create(d.dir).ok())
            return {};
        d.config = ConfigLoader::loadFile(d.dir + QStringLiteral("/ktx.yaml"))->config;
        d.config.scan.relationships.enabled = false;
        if (!StructuralIngest::run(d.dir, d.config, *d.config.connection(m_conn)).ok())
            return {};
        return d;
    }

    // A review-mode run by the real pipeline; returns its id (empty on failure).
    QString pendingRun(const Demo &d, FakeModelServer *fake = nullptr)
    {
        if (!fake)
            fake = m_fake.get();
        IngestRunOptions o;
        o.projectDir = d.dir;
        o.config = d.config;
        o.config.ingest.maxConcurrency = 2;
        o.connectionId = m_conn;
        o.reviewMode = QStringLiteral("review");
        o.appVersion = QStringLiteral("test");
        o.llm.backend = QStringLiteral("openai-compatible");
        o.llm.models.insert(QStringLiteral("default"), QStringLiteral("fake-model"));
        o.llm.baseUrl = QUrl(fake->baseUrl().toString() + QStringLiteral("/v1"));
        o.llm.apiKey = QStringLiteral("sk-test");
        o.llm.idleTimeoutMs = 5000;
        IngestRun run(o);
        auto result = run.run();
        if (!result.ok() || result->record.status != QLatin1String("pending_review")) {
            qWarning() << (result.ok() ? result->record.failureMessage : result.error().toText());
            return {};
        }
        return result->record.runId;
    }

    // After every review operation: the repository stays valid for plain git.
    static void verifyFsck(const QString &dir)
    {
        int code = -1;
        const QString out = git(dir, {"fsck", "--strict"}, &code);
        QVERIFY2(code == 0, qPrintable(out));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_conn = DemoProject::connectionId();
        m_fake = std::make_unique<FakeModelServer>();
        const QString conn = m_conn;
        m_fake->setScript([conn](const FakeModelServer::Request &r, int) {
            return r.rawBody.contains("## Changes of this run")
                ? Reply::say(QStringLiteral("nothing to reconcile"))
                : unitScript(r, conn);
        });
    }

    void partialAcceptLandsExactlyTheAcceptedHunks()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        const QString runId = pendingRun(d);
        QVERIFY(!runId.isEmpty());

        auto pending = PendingRuns::list(d.dir);
        QVERIFY2(pending.ok(), pending.ok() ? "" : qPrintable(pending.error().toText()));
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().record.runId, runId);
        QCOMPARE(pending->first().record.baseCommit, head);
        QCOMPARE(pending->first().files, 15); // 14 sources and one wiki page
        QVERIFY(pending->first().additions >= 14 * 2);

        auto review = RunReview::load(d.dir, runId);
        QVERIFY2(review.ok(), review.ok() ? "" : qPrintable(review.error().toText()));
        const ReviewFile *orders = fileOf(*review, ordersPath());
        QVERIFY(orders);
        QCOMPARE(orders->hunks.size(), 2);
        // each hunk links to the unit and the tool call that wrote it, and its evidence
        const HunkProvenance &p1 = orders->hunks.at(0).provenance;
        const HunkProvenance &p2 = orders->hunks.at(1).provenance;
        QVERIFY2(p1.unitKey.endsWith(QLatin1String("-orders")), qPrintable(p1.unitKey));
        QCOMPARE(p2.unitKey, p1.unitKey);
        QCOMPARE(p1.tool, QStringLiteral("sl_edit_source"));
        QVERIFY(!p1.toolCallId.isEmpty() && !p2.toolCallId.isEmpty());
        QVERIFY(p1.toolCallId != p2.toolCallId);
        QVERIFY(QJsonDocument(p2.input).toJson().contains("Orders placed, one row each."));
        QVERIFY(!p1.rawPaths.isEmpty());
        // raw table files are named by the base64url of schema and table ("orders")
        QVERIFY2(p1.rawPaths.first().endsWith(QLatin1String(".b3JkZXJz.json")),
                 qPrintable(p1.rawPaths.first()));
        const ReviewFile *page = fileOf(*review, wikiPath());
        QVERIFY(page);
        QCOMPARE(page->diff.status, FileDiff::Status::Added);
        QCOMPARE(page->hunks.first().provenance.tool, QStringLiteral("wiki_write"));
        QCOMPARE(review->undecided().size(), 16);

        // nothing can land while something is undecided
        auto early = review->apply({QStringLiteral("Reviewer"), QStringLiteral("r@example.com")});
        QVERIFY(!early.ok());
        QCOMPARE(early.error().code, QStringLiteral("review_undecided"));

        // accept orders hunk 1 and customers.yaml; reject orders hunk 2, the
        // wiki page, and (run level) everything else
        QVERIFY(review->decide({{}, -1, false}).ok());
        QVERIFY(review->decide({ordersPath(), 0, true}).ok());
        QVERIFY(review->decide({ordersPath(), 1, false}).ok());
        QVERIFY(review->decide({customersPath(), -1, true}).ok());
        QVERIFY(review->decide({wikiPath(), -1, false}).ok());
        QCOMPARE(review->decide({ordersPath(), 7, true}).error().code,
                 QStringLiteral("review_unknown_hunk"));
        QCOMPARE(review->decide({QStringLiteral("nope.yaml"), -1, true}).error().code,
                 QStringLiteral("review_unknown_path"));
        QVERIFY(review->undecided().isEmpty());
        verifyFsck(d.dir);

        // decisions persist: a fresh load sees them
        auto reloaded = RunReview::load(d.dir, runId);
        QVERIFY(reloaded.ok());
        QVERIFY(reloaded->undecided().isEmpty());
        QCOMPARE(fileOf(*reloaded, ordersPath())->hunks.at(0).accepted, std::optional<bool>(true));
        QCOMPARE(fileOf(*reloaded, ordersPath())->hunks.at(1).accepted, std::optional<bool>(false));

        const QByteArray runOrders
            = git(d.dir, {"show", "ktx/runs/" + runId + ":" + ordersPath()}).toUtf8();
        const QByteArray runCustomers
            = git(d.dir, {"show", "ktx/runs/" + runId + ":" + customersPath()}).toUtf8();
        const QByteArray baseOrders = git(d.dir, {"show", head + ":" + ordersPath()}).toUtf8();
        QVERIFY(runOrders.contains("Orders placed"));

        auto applied
            = reloaded->apply({QStringLiteral("Reviewer"), QStringLiteral("r@example.com")});
        QVERIFY2(applied.ok(), applied.ok() ? "" : qPrintable(applied.error().toText()));
        verifyFsck(d.dir);
        QCOMPARE(applied->commitId.size(), 40);
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), applied->commitId);
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD~1"}), head);
        // the commit holds exactly the accepted parts
        QCOMPARE(git(d.dir, {"diff", "--name-only", head, "HEAD"}).split('\n'),
                 (QStringList {customersPath(), ordersPath()}));
        const QByteArray landedOrders = readAll(d.dir + "/" + ordersPath());
        QVERIFY(landedOrders.contains("ai: The orders of Ridgeline Coffee."));
        QVERIFY(landedOrders.contains("description: Number of rows in orders."));
        QVERIFY(!landedOrders.contains("Orders placed"));
        QByteArray expected = baseOrders + "\n";
        expected.replace("name: orders\n",
                         "name: orders\ndescriptions:\n  ai: The orders of Ridgeline Coffee.\n");
        QCOMPARE(git(d.dir, {"show", "HEAD:" + ordersPath()}).toUtf8() + "\n", expected);
        QCOMPARE(git(d.dir, {"show", "HEAD:" + customersPath()}).toUtf8(), runCustomers);
        QVERIFY(!QFile::exists(d.dir + "/" + wikiPath()));
        QVERIFY(git(d.dir, {"status", "--porcelain", "--untracked-files=no"}).isEmpty());
        const QString body = git(d.dir, {"log", "-1", "--format=%B"});
        QVERIFY2(
            body.startsWith(QStringLiteral("review(live-database): %1 accepted 2/").arg(runId)),
            qPrintable(body));
        QVERIFY2(body.contains(ordersPath() + ":2") && body.contains(wikiPath()), qPrintable(body));
        QCOMPARE(git(d.dir, {"log", "-1", "--format=%an"}), QStringLiteral("Reviewer"));

        // the run is closed, its branch gone
        QVERIFY(git(d.dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());
        auto store = RunStore::open(d.dir);
        QVERIFY(store.ok());
        QCOMPARE((*store)->run(runId)->status, QStringLiteral("reviewed"));
        QCOMPARE((*store)->run(runId)->landedCommit, applied->commitId);
        QVERIFY(PendingRuns::list(d.dir)->isEmpty());
        QCOMPARE(RunReview::load(d.dir, runId).error().code, QStringLiteral("review_not_pending"));

        // rejection memory: one row per refused hunk or file
        QCOMPARE(applied->rejectionsRecorded, 14); // orders:2, the page, 12 other sources
        auto reviews = ReviewStore::open(d.dir);
        QVERIFY(reviews.ok());
        const auto forOrders = (*reviews)->rejectionsFor({ordersPath()});
        QCOMPARE(forOrders.size(), 1);
        QCOMPARE(forOrders.first().runId, runId);
        QCOMPARE(forOrders.first().entityKey, m_conn + QStringLiteral(":orders"));
        QCOMPARE(forOrders.first().textHash.size(), 64);
        QVERIFY2(forOrders.first().summary.contains(QLatin1String("Number of rows in orders")),
                 qPrintable(forOrders.first().summary));
        QCOMPARE((*reviews)->rejectionsFor({customersPath()}).size(), 0);
        QCOMPARE((*reviews)->rejectionsFor({wikiPath(), ordersPath()}).size(), 2);
        QCOMPARE((*reviews)->rejectionsFor({}).size(), 14);
        verifyFsck(d.dir);
    }

    void rejectingAllLandsNothingAndIsRemembered()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        const QString runId = pendingRun(d);
        QVERIFY(!runId.isEmpty());
        auto review = RunReview::load(d.dir, runId);
        QVERIFY(review.ok());
        QVERIFY(review->decide({{}, -1, false}).ok());
        auto applied = review->apply({QStringLiteral("R"), QStringLiteral("r@example.com")});
        QVERIFY2(applied.ok(), applied.ok() ? "" : qPrintable(applied.error().toText()));
        verifyFsck(d.dir);
        QVERIFY(applied->commitId.isEmpty());
        QVERIFY(applied->landedPaths.isEmpty());
        QCOMPARE(applied->rejectionsRecorded, 16);
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), head);
        QVERIFY(git(d.dir, {"status", "--porcelain", "--untracked-files=no"}).isEmpty());
        QVERIFY(git(d.dir, {"branch", "--list", "ktx/runs/*"}).isEmpty());

        // the next run over the same evidence proposes the same changes: the
        // review marks every one as previously rejected
        const QString again = pendingRun(d);
        QVERIFY(!again.isEmpty());
        auto second = RunReview::load(d.dir, again);
        QVERIFY(second.ok());
        int marked = 0, total = 0;
        for (const ReviewFile &f : second->files())
            for (const ReviewHunk &h : f.hunks) {
                ++total;
                marked += h.previouslyRejected ? 1 : 0;
            }
        QCOMPARE(total, 16);
        QCOMPARE(marked, 16);
        QVERIFY(second->toJson()
                    .value("files")
                    .toArray()
                    .first()["hunks"][0]["previouslyRejected"]
                    .toBool());
        verifyFsck(d.dir);
    }

    // The Done-when of issue E: accept some hunks and reject others, the
    // commit holds exactly the accepted ones, and the next ingest over the same
    // evidence is told about the refused changes and, when the model proposes
    // one again anyway, the review marks it instead of silently re-proposing it.
    void rejectionsReachTheNextIngest()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString head = git(d.dir, {"rev-parse", "HEAD"});
        const QString runId = pendingRun(d);
        QVERIFY(!runId.isEmpty());
        auto review = RunReview::load(d.dir, runId);
        QVERIFY(review.ok());
        QCOMPARE(review->files().size(), 15);
        // beside the text diff, what the changes mean
        QVERIFY2(
            fileOf(*review, ordersPath())
                ->semanticChanges.contains(QStringLiteral("source `orders`: ai description added")),
            qPrintable(fileOf(*review, ordersPath())->semanticChanges.join(" | ")));
        QVERIFY2(fileOf(*review, wikiPath())
                     ->semanticChanges.contains(QStringLiteral("page sl_ref `orders` added")),
                 qPrintable(fileOf(*review, wikiPath())->semanticChanges.join(" | ")));
        QCOMPARE(review->toJson()["files"][0]["semanticChanges"].toArray().isEmpty(), false);

        // accept everything but orders hunk 2, customers.yaml and the wiki page
        QVERIFY(review->decide({{}, -1, true}).ok());
        QVERIFY(review->decide({ordersPath(), 1, false}).ok());
        QVERIFY(review->decide({customersPath(), -1, false}).ok());
        QVERIFY(review->decide({wikiPath(), 0, false}).ok());
        verifyFsck(d.dir);
        QVERIFY(review->undecided().isEmpty());

        // what each file must be after the landing, from the run's own diff
        QHash<QString, std::optional<QByteArray>> expected;
        const QString tip = "ktx/runs/" + runId;
        for (const ReviewFile &f : review->files()) {
            QSet<int> accepted;
            for (int i = 0; i < f.hunks.size(); ++i)
                if (*f.hunks.at(i).accepted)
                    accepted.insert(i);
            const QByteArray before = gitBytes(d.dir, head + ":" + f.diff.path);
            if (accepted.isEmpty())
                expected.insert(f.diff.path,
                                f.diff.status == FileDiff::Status::Added
                                    ? std::nullopt
                                    : std::optional<QByteArray>(before));
            else
                expected.insert(f.diff.path, GitDiff::applyHunks(before, f.diff, accepted));
        }
        QCOMPARE(expected.value(ordersPath())->count("Orders placed"), 0);
        QVERIFY(expected.value(ordersPath())->contains("ai: The orders of Ridgeline Coffee."));

        auto applied = review->apply({QStringLiteral("Reviewer"), QStringLiteral("r@example.com")});
        QVERIFY2(applied.ok(), applied.ok() ? "" : qPrintable(applied.error().toText()));
        verifyFsck(d.dir);
        QCOMPARE(applied->rejectionsRecorded, 3);
        QStringList changed = git(d.dir, {"diff", "--name-only", head, "HEAD"}).split('\n');
        QCOMPARE(changed.size(), 13); // 14 sources less customers; no wiki page
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            if (!it.value()) {
                int code = 0;
                git(d.dir, {"cat-file", "-e", "HEAD:" + it.key()}, &code);
                QVERIFY2(code != 0, qPrintable(it.key()));
                continue;
            }
            QCOMPARE(gitBytes(d.dir, "HEAD:" + it.key()), *it.value());
            QCOMPARE(readAll(d.dir + "/" + it.key()), *it.value());
        }

        // the rejections keep what was refused and the evidence it cited
        auto reviews = ReviewStore::open(d.dir);
        QVERIFY(reviews.ok());
        const auto refusedOrders = (*reviews)->rejectionsFor({ordersPath()});
        QCOMPARE(refusedOrders.size(), 1);
        QCOMPARE(refusedOrders.first().changeText,
                 QByteArray("-    description: Number of rows in orders.\n"
                            "+    description: Orders placed, one row each.\n"));
        QVERIFY(refusedOrders.first().rawPaths.first().endsWith(QLatin1String(".b3JkZXJz.json")));

        // The next ingest over the same evidence. Units that no rejection
        // concerns replay from the cache; orders and customers run again, are
        // told what was refused, and orders proposes its refused change anyway.
        FakeModelServer again;
        const QString conn = m_conn;
        again.setScript([conn](const FakeModelServer::Request &r, int) {
            if (r.rawBody.contains("## Changes of this run"))
                return Reply::say(QStringLiteral("nothing to reconcile"));
            const QString table = tableOf(r);
            static const QRegularExpression rawPattern(
                QStringLiteral("### rawFiles\\\\n- ([^\\\\]+)\\\\n"));
            const QString raw = rawPattern.match(QString::fromUtf8(r.rawBody)).captured(1);
            if (table != QLatin1String("orders"))
                return Reply::say(QStringLiteral("nothing new"));
            switch (r.toolResultCount()) {
            case 0:
                return Reply::call(QStringLiteral("record_verification_ledger"),
                                   {{QStringLiteral("summary"), QStringLiteral("re-read")},
                                    {QStringLiteral("verifiedIdentifiers"), QJsonArray {table}}});
            case 1:
                return Reply::call(
                    QStringLiteral("sl_edit_source"),
                    edit(conn, table, QStringLiteral("description: Number of rows in orders.\n"),
                         QStringLiteral("description: Orders placed, one row each.\n"), raw));
            default:
                return Reply::say(QStringLiteral("done"));
            }
        });
        const QString second = pendingRun(d, &again);
        QVERIFY(!second.isEmpty());

        QStringList firstTurns;
        QByteArray ordersPrompt, customersPrompt;
        for (const FakeModelServer::Request &r : again.requests()) {
            if (r.rawBody.contains("## Changes of this run") || r.toolResultCount() != 0)
                continue;
            firstTurns << tableOf(r);
            if (tableOf(r) == QLatin1String("orders"))
                ordersPrompt = r.rawBody;
            else if (tableOf(r) == QLatin1String("customers"))
                customersPrompt = r.rawBody;
        }
        firstTurns.sort();
        QCOMPARE(firstTurns, (QStringList {"customers", "orders"}));
        QVERIFY2(ordersPrompt.contains("### Previously rejected proposals"),
                 ordersPrompt.constData());
        QVERIFY2(ordersPrompt.contains("-    description: Number of rows in orders.\\n  "
                                       "+    description: Orders placed, one row each."),
                 ordersPrompt.constData());
        QVERIFY(ordersPrompt.contains(("(refused in run " + runId + ")").toUtf8()));
        QVERIFY(ordersPrompt.contains(wikiPath().toUtf8())); // the page cited orders' evidence
        QVERIFY(!ordersPrompt.contains(QString(customersPath() + " (refused").toUtf8()));
        QVERIFY(customersPrompt.contains(QString(customersPath() + " (refused in run ").toUtf8()));
        QVERIFY(customersPrompt.contains("+  ai: The customers of Ridgeline Coffee."));

        auto next = RunReview::load(d.dir, second);
        QVERIFY2(next.ok(), next.ok() ? "" : qPrintable(next.error().toText()));
        const ReviewFile *orders = fileOf(*next, ordersPath());
        QVERIFY(orders);
        QCOMPARE(orders->hunks.size(), 1);
        QVERIFY(orders->hunks.first().previouslyRejected);
        QCOMPARE(orders->hunks.first().previouslyRejectedIn, runId);
        const QJsonObject json = next->toJson();
        bool marked = false;
        for (const QJsonValue &f : json["files"].toArray())
            if (f["path"].toString() == ordersPath())
                marked = f["hunks"][0]["previouslyRejected"].toBool()
                    && f["hunks"][0]["previouslyRejectedIn"].toString() == runId;
        QVERIFY(marked);
        verifyFsck(d.dir);
    }

    // A run that moves a file (a page renamed and edited): accepting it moves
    // the file, and git follows the move through the review commit.
    void acceptingARenameMovesTheFile()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        auto repository = GitRepository::open(d.dir);
        QVERIFY(repository.ok());
        const QString head = repository->headCommitId();
        const QString oldPath = QStringLiteral("wiki/global/shipping.md");
        const QString newPath = QStringLiteral("wiki/global/shipping-and-delivery.md");
        QByteArray page = "---\nsummary: How orders ship.\ntags: [ops]\n---\n\n# Shipping\n\n";
        for (int i = 1; i <= 20; ++i)
            page += "Step " + QByteArray::number(i) + " of shipping.\n";
        writeFile(d.dir + "/" + oldPath, page);
        git(d.dir, {"add", oldPath});
        git(d.dir,
            {"-c", "user.name=P", "-c", "user.email=p@example.com", "commit", "-qm", "add page"});
        const std::optional<QString> first = git(d.dir, {"rev-parse", "HEAD"});
        QVERIFY(*first != head);
        QByteArray moved = page;
        moved.replace("summary: How orders ship.", "summary: How orders ship and arrive.");
        auto runCommit
            = repository->createCommit(*first, {{oldPath, std::nullopt}, {newPath, moved}}, "run",
                                       {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
        QVERIFY(runCommit.ok());
        const QString runId = QStringLiteral("rename-run");
        QVERIFY(repository->setBranch("ktx/runs/" + runId, *runCommit).ok());
        auto store = RunStore::open(d.dir);
        QVERIFY(store.ok());
        IngestRunRecord record;
        record.runId = runId;
        record.connectionId = m_conn;
        record.sourceKey = QStringLiteral("text-memory");
        record.status = QStringLiteral("pending_review");
        record.baseCommit = *first;
        record.runBranch = "ktx/runs/" + runId;
        record.commitId = *runCommit;
        record.reviewMode = QStringLiteral("review");
        QVERIFY((*store)->insertRun(record).ok());

        auto review = RunReview::load(d.dir, runId);
        QVERIFY2(review.ok(), review.ok() ? "" : qPrintable(review.error().toText()));
        QCOMPARE(review->files().size(), 1);
        const ReviewFile &file = review->files().first();
        QCOMPARE(file.diff.status, FileDiff::Status::Renamed);
        QCOMPARE(file.diff.oldPath, oldPath);
        QCOMPARE(file.diff.path, newPath);
        QCOMPARE(file.hunks.size(), 1);
        QCOMPARE(review->toJson()["files"][0]["oldPath"].toString(), oldPath);
        QVERIFY(review->decide({newPath, 0, true}).ok());
        verifyFsck(d.dir);
        auto applied = review->apply({QStringLiteral("R"), QStringLiteral("r@example.com")});
        QVERIFY2(applied.ok(), applied.ok() ? "" : qPrintable(applied.error().toText()));
        verifyFsck(d.dir);
        QVERIFY(!QFile::exists(d.dir + "/" + oldPath));
        QCOMPARE(readAll(d.dir + "/" + newPath), moved);
        QVERIFY(git(d.dir, {"status", "--porcelain", "--untracked-files=no"}).isEmpty());
        // git sees the same move
        QVERIFY2(git(d.dir, {"diff", "-M", "--name-status", "HEAD~1", "HEAD"}).startsWith("R0"),
                 qPrintable(git(d.dir, {"diff", "-M", "--name-status", "HEAD~1", "HEAD"})));
        QCOMPARE(
            git(d.dir, {"log", "--follow", "--format=%s", "--", newPath}).split('\n'),
            (QStringList {QStringLiteral("review(text-memory): rename-run accepted 1/1 changes"),
                          QStringLiteral("add page")}));
    }

    void editsSinceTheRunAreReportedNotClobbered()
    {
        const Demo d = makeDemo();
        QVERIFY(!d.dir.isEmpty());
        const QString runId = pendingRun(d);
        QVERIFY(!runId.isEmpty());

        // a person commits edits after the run: one overlaps orders hunk 1, one
        // is far from the run's change to customers.yaml
        QByteArray orders = readAll(d.dir + "/" + ordersPath());
        orders.replace("name: orders\n", "name: orders\ndescription: Edited by hand.\n");
        writeFile(d.dir + "/" + ordersPath(), orders);
        QByteArray customers = readAll(d.dir + "/" + customersPath());
        QVERIFY(customers.endsWith('\n'));
        customers += "# reviewed by hand\n";
        writeFile(d.dir + "/" + customersPath(), customers);
        git(d.dir,
            {"-c", "user.name=P", "-c", "user.email=p@example.com", "commit", "-qam",
             "hand edits"});
        const QString edited = git(d.dir, {"rev-parse", "HEAD"});

        auto review = RunReview::load(d.dir, runId);
        QVERIFY(review.ok());
        QVERIFY(review->decide({{}, -1, false}).ok());
        QVERIFY(review->decide({ordersPath(), -1, true}).ok());
        QVERIFY(review->decide({customersPath(), -1, true}).ok());
        auto conflict = review->apply({QStringLiteral("R"), QStringLiteral("r@example.com")});
        QVERIFY(!conflict.ok());
        QCOMPARE(conflict.error().code, QStringLiteral("review_conflict"));
        verifyFsck(d.dir);
        QVERIFY2(conflict.error().message.contains(ordersPath() + QStringLiteral(" (hunks ")),
                 qPrintable(conflict.error().message));
        QVERIFY(!conflict.error().message.contains(customersPath()));
        // nothing moved, nothing lost: the run stays pending with its branch
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), edited);
        QCOMPARE(readAll(d.dir + "/" + ordersPath()), orders);
        QCOMPARE(git(d.dir, {"rev-parse", "--verify", "-q", "ktx/runs/" + runId}).size(), 40);
        auto store = RunStore::open(d.dir);
        QCOMPARE((*store)->run(runId)->status, QStringLiteral("pending_review"));
        auto reviews = ReviewStore::open(d.dir);
        QVERIFY((*reviews)->rejectionsFor({}).isEmpty());

        // uncommitted edits to a touched file refuse the landing as well
        QVERIFY(review->decide({ordersPath(), -1, false}).ok());
        writeFile(d.dir + "/" + customersPath(), customers + "# not committed\n");
        auto dirty = review->apply({QStringLiteral("R"), QStringLiteral("r@example.com")});
        QVERIFY(!dirty.ok());
        QCOMPARE(dirty.error().code, QStringLiteral("landing_dirty"));
        verifyFsck(d.dir);
        QCOMPARE(git(d.dir, {"rev-parse", "HEAD"}), edited);
        QCOMPARE(readAll(d.dir + "/" + customersPath()), customers + "# not committed\n");
        QVERIFY((*reviews)->rejectionsFor({}).isEmpty());

        // once the edit is committed, the accepted change merges with the person's
        writeFile(d.dir + "/" + customersPath(), customers);
        auto merged = review->apply({QStringLiteral("R"), QStringLiteral("r@example.com")});
        QVERIFY2(merged.ok(), merged.ok() ? "" : qPrintable(merged.error().toText()));
        const QByteArray landed = readAll(d.dir + "/" + customersPath());
        QVERIFY(landed.contains("ai: The customers of Ridgeline Coffee."));
        QVERIFY(landed.endsWith("# reviewed by hand\n"));
        QCOMPARE(readAll(d.dir + "/" + ordersPath()), orders);
        QCOMPARE(git(d.dir, {"diff", "--name-only", edited, "HEAD"}), customersPath());
        verifyFsck(d.dir);
    }
};

QTEST_GUILESS_MAIN(TestReview)
#include "tst_review.moc"
