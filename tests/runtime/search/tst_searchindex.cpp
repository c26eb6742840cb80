// The search index: incremental sync, lanes, fusion, scoping, sample values,
// the semantic lane against a fake embeddings server, concurrent readers.
#include "fakemodelserver.h"

#include "llm/requestgovernor.h"
#include "project/projectconfig.h"
#include "search/reciprocalrankfusion.h"
#include "search/searchdocumentbuilder.h"
#include "search/searchindex.h"
#include "search/searchterms.h"
#include "wiki/wikipage.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <atomic>

#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>

using namespace ktx;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray wikiPage(const QString &summary, const QString &body, const QStringList &tags = {})
{
    QByteArray out = "---\nsummary: \"" + summary.toUtf8() + "\"\n";
    if (!tags.isEmpty())
        out += "tags: [" + tags.join(QStringLiteral(", ")).toUtf8() + "]\n";
    return out + "---\n" + body.toUtf8() + "\n";
}

// A past modification time, so the racy-edit window does not force re-reads.
void age(const QString &path, qint64 secondsAgo = 60)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-secondsAgo),
                          QFileDevice::FileModificationTime));
}

void ageAll(const QString &dir)
{
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains(QLatin1String("/.ktx/")))
            age(path, 120);
    }
}

// A save as WikiStore and most editors do it: a new file renamed over the old,
// which changes the folder's modification time.
void saveAtomically(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    QVERIFY(f.commit());
}

// Every folder of the project (but .ktx) modified `secondsAgo`; each step of a
// test uses a new age, so folder times only ever move as they would for real.
void ageDirs(const QString &project, qint64 secondsAgo)
{
    const timespec when {time_t(QDateTime::currentSecsSinceEpoch() - secondsAgo), 0};
    const timespec times[2] {when, when};
    QStringList dirs {project};
    QDirIterator it(project, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString dir = it.next();
        if (!dir.contains(QLatin1String("/.ktx")))
            dirs << dir;
    }
    for (const QString &dir : std::as_const(dirs))
        QCOMPARE(::utimensat(AT_FDCWD, QFile::encodeName(dir).constData(), times, 0), 0);
}

QStringList ids(const SearchResponse &r)
{
    QStringList out;
    for (const SearchHit &h : r.hits)
        out << h.document.kind + QLatin1Char(':') + h.document.id;
    return out;
}

const SearchLaneReport *lane(const SearchResponse &r, const QString &name)
{
    for (const SearchLaneReport &l : r.lanes) {
        if (l.lane == name)
            return &l;
    }
    return nullptr;
}

QByteArray tableJson(const QString &name, const QJsonArray &columns, const QJsonObject &profile)
{
    QJsonObject o {{QStringLiteral("catalog"), QJsonValue::Null},
                   {QStringLiteral("db"), QStringLiteral("main")},
                   {QStringLiteral("name"), name},
                   {QStringLiteral("kind"), QStringLiteral("table")},
                   {QStringLiteral("comment"), QStringLiteral("Customer accounts and their plans")},
                   {QStringLiteral("columns"), columns},
                   {QStringLiteral("foreignKeys"), QJsonArray()}};
    if (!profile.isEmpty())
        o.insert(QStringLiteral("profile"), profile);
    return QJsonDocument(o).toJson();
}

QJsonObject column(const QString &name, const QString &type, const QString &comment = {})
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("nativeType"), type == QLatin1String("string") ? "text" : "integer"},
            {QStringLiteral("normalizedType"), type},
            {QStringLiteral("dimensionType"), type},
            {QStringLiteral("nullable"), true},
            {QStringLiteral("primaryKey"), false},
            {QStringLiteral("comment"), comment.isEmpty() ? QJsonValue() : QJsonValue(comment)}};
}

} // namespace

class TestSearchIndex : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;

    void makeProject()
    {
        m_project = m_tmp.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        writeFile(m_project + QStringLiteral("/ktx.yaml"), "project: test\n");
        writeFile(m_project + QStringLiteral("/wiki/global/revenue.md"),
                  wikiPage(QStringLiteral("Paid order value after refunds"),
                           QStringLiteral("Revenue is the paid order amount minus refunds."),
                           {QStringLiteral("finance")}));
        writeFile(m_project + QStringLiteral("/wiki/global/churn.md"),
                  wikiPage(QStringLiteral("Customers who cancel"),
                           QStringLiteral("Churn counts subscriptions cancelled in a month.")));
        writeFile(m_project + QStringLiteral("/wiki/global/onboarding.md"),
                  wikiPage(QStringLiteral("New hire onboarding"),
                           QStringLiteral("Laptops, accounts and the first week.")));
        writeFile(m_project + QStringLiteral("/semantic-layer/warehouse/orders.yaml"),
                  "name: orders\n"
                  "description: One row per order placed in the web shop\n"
                  "table: main.orders\n"
                  "grain: [order_id]\n"
                  "columns:\n"
                  "  - name: order_id\n    type: number\n"
                  "  - name: status\n    type: string\n    description: Fulfilment status\n"
                  "  - name: secret_note\n    type: string\n    visibility: hidden\n"
                  "  - name: amount\n    type: number\n"
                  "measures:\n"
                  "  - name: total_revenue\n    expr: sum(amount)\n"
                  "    description: Paid order value\n"
                  "  - name: order_count\n    expr: count(*)\n");
        const QString sync = m_project
            + QStringLiteral("/raw-sources/warehouse/live-database/2026-01-01-000000-j1");
        writeFile(sync + QStringLiteral("/connection.json"),
                  R"({"connectionId":"warehouse","extractedAt":"2026-01-01T00:00:00.000Z"})");
        QJsonObject profile {
            {QStringLiteral("sampledRows"), 500},
            {QStringLiteral("columns"),
             QJsonArray {
                 QJsonObject {
                     {QStringLiteral("name"), QStringLiteral("plan")},
                     {QStringLiteral("dimensionType"), QStringLiteral("string")},
                     {QStringLiteral("distinctCount"), 3},
                     {QStringLiteral("topValues"),
                      QJsonArray {
                          QJsonObject {{QStringLiteral("value"), QStringLiteral("Enterprise")},
                                       {QStringLiteral("count"), 40}},
                          QJsonObject {{QStringLiteral("value"), QStringLiteral("Growth")},
                                       {QStringLiteral("count"), 30}},
                          QJsonObject {{QStringLiteral("value"), QStringLiteral("Starter")},
                                       {QStringLiteral("count"), 20}}}}},
                 QJsonObject {
                     {QStringLiteral("name"), QStringLiteral("seats")},
                     {QStringLiteral("dimensionType"), QStringLiteral("number")},
                     {QStringLiteral("distinctCount"), 50},
                     {QStringLiteral("topValues"),
                      QJsonArray {QJsonObject {{QStringLiteral("value"), QStringLiteral("10")},
                                               {QStringLiteral("count"), 5}}}}}}}};
        writeFile(sync + QStringLiteral("/tables/bWFpbg.YWNjb3VudHM.json"),
                  tableJson(QStringLiteral("accounts"),
                            {column(QStringLiteral("plan"), QStringLiteral("string"),
                                    QStringLiteral("Commercial plan tier")),
                             column(QStringLiteral("seats"), QStringLiteral("number"))},
                            profile));
        writeFile(m_project + QStringLiteral("/semantic-layer/warehouse/accounts.yaml"),
                  "name: customer_accounts\ntable: main.accounts\ngrain: [plan]\ncolumns:\n"
                  "  - name: plan\n    type: string\n");
        ageAll(m_project);
    }

private Q_SLOTS:
    void termsNeverBreakFts5_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("quotes") << QStringLiteral("\"revenue");
        QTest::newRow("dash") << QStringLiteral("-revenue -churn");
        QTest::newRow("star") << QStringLiteral("rev* *");
        QTest::newRow("colon") << QStringLiteral("title:revenue body:");
        QTest::newRow("parens") << QStringLiteral("(revenue OR (churn");
        QTest::newRow("keywords") << QStringLiteral("NOT AND OR NEAR revenue");
        QTest::newRow("caret plus") << QStringLiteral("^revenue + churn {x}");
        QTest::newRow("only punctuation") << QStringLiteral("\"*():-^");
        QTest::newRow("unicode") << QStringLiteral("Umsätze café «revenue»");
    }
    void termsNeverBreakFts5()
    {
        QFETCH(QString, query);
        if (m_project.isEmpty() || !m_project.endsWith(QLatin1String("termsNeverBreakFts5"))) {
            makeProject();
            QVERIFY(SearchIndex(m_project).sync());
        }
        Result<SearchResponse> r = SearchIndex(m_project).search({query, 10, {}, {}, {}});
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toText()));
        for (const SearchLaneReport &l : r->lanes)
            QVERIFY2(l.status != QLatin1String("failed"), qPrintable(l.reason));
        const QStringList terms = SearchTerms::parse(query);
        for (const QString &t : terms) {
            for (const QChar c : t)
                QVERIFY(c.isLetterOrNumber() || c.category() == QChar::Mark_NonSpacing);
        }
        if (query.contains(QLatin1String("revenue")))
            QVERIFY(ids(*r).contains(QStringLiteral("wiki:revenue")));
    }

    void termsDropCommonWordsOnlyWhenSomethingRemains()
    {
        QCOMPARE(SearchTerms::parse(QStringLiteral("Revenue by REGION, revenue!")),
                 (QStringList {QStringLiteral("revenue"), QStringLiteral("region")}));
        QCOMPARE(SearchTerms::parse(QStringLiteral("the of")),
                 (QStringList {QStringLiteral("the"), QStringLiteral("of")}));
        QCOMPARE(SearchTerms::matchAny({QStringLiteral("a"), QStringLiteral("b")}),
                 QStringLiteral("\"a\" OR \"b\""));
    }

    void fusionMatchesAHandComputedCase()
    {
        const QList<ReciprocalRankFusion::Candidate> fused = ReciprocalRankFusion::fuse(
            {{QStringLiteral("lexical"),
              1.5,
              {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}},
             {QStringLiteral("token"), 0.75, {QStringLiteral("b"), QStringLiteral("c")}},
             {QStringLiteral("semantic"), 3.0, {QStringLiteral("c")}}});
        QCOMPARE(fused.size(), 3);
        // c = 1.5/63 + 0.75/62 + 3/61 = 0.0850866; b = 1.5/62 + 0.75/61 = 0.0364886;
        // a = 1.5/61 = 0.0245902.
        QCOMPARE(fused.at(0).id, QStringLiteral("c"));
        QCOMPARE(fused.at(1).id, QStringLiteral("b"));
        QCOMPARE(fused.at(2).id, QStringLiteral("a"));
        QVERIFY(std::abs(fused.at(0).score - 0.0850866) < 1e-6);
        QVERIFY(std::abs(fused.at(1).score - 0.0364886) < 1e-6);
        QVERIFY(std::abs(fused.at(2).score - 0.0245902) < 1e-6);
        QCOMPARE(fused.at(0).lanes,
                 (QStringList {QStringLiteral("lexical"), QStringLiteral("token"),
                               QStringLiteral("semantic")}));
        QCOMPARE(fused.at(0).ranks.value(QStringLiteral("lexical")), 3);

        // Equal scores: more lanes first (n over m although "m" < "n"), then id.
        const QList<ReciprocalRankFusion::Candidate> ties = ReciprocalRankFusion::fuse(
            {{QStringLiteral("x"), 2.0, {QStringLiteral("m")}},
             {QStringLiteral("y"),
              1.0,
              {QStringLiteral("n"), QStringLiteral("q"), QStringLiteral("p")}},
             {QStringLiteral("z"),
              1.0,
              {QStringLiteral("n"), QStringLiteral("p"), QStringLiteral("q")}}});
        QStringList order;
        for (const auto &c : ties)
            order << c.id;
        QCOMPARE(order,
                 (QStringList {QStringLiteral("n"), QStringLiteral("m"), QStringLiteral("p"),
                               QStringLiteral("q")}));
    }

    void searchScoresAreTheFusionOfTheLaneRanks()
    {
        makeProject();
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        Result<SearchResponse> r
            = index.search({QStringLiteral("paid order revenue"), 10, {}, {}, {}});
        QVERIFY(r);
        QVERIFY(r->hits.size() >= 3);
        double previous = 1e9;
        for (const SearchHit &hit : r->hits) {
            double expected = 0;
            for (auto it = hit.ranks.cbegin(); it != hit.ranks.cend(); ++it) {
                const double weight = lane(*r, it.key())->weight;
                expected += weight / (60.0 + it.value());
            }
            QVERIFY(std::abs(hit.score - expected) < 1e-12);
            QVERIFY(hit.score <= previous);
            previous = hit.score;
            QCOMPARE(hit.matchReasons.size(), hit.ranks.size());
        }
        QCOMPARE(lane(*r, QStringLiteral("lexical"))->weight, 1.5);
        QCOMPARE(lane(*r, QStringLiteral("token"))->weight, 0.75);
        QCOMPARE(lane(*r, QStringLiteral("semantic"))->weight, 3.0);
    }

    void incrementalSync()
    {
        makeProject();
        const SearchIndex index(m_project);
        Result<SearchIndex::SyncStats> first = index.sync();
        QVERIFY2(first, qPrintable(first ? QString() : first.error().toText()));
        QCOMPARE(first->filesScanned, 7);
        QCOMPARE(first->filesChanged, 7);
        QVERIFY(first->documentsWritten > 0);
        const qint64 total = index.documentsWrittenTotal().value();
        QCOMPARE(total, qint64(first->documentsWritten));

        // Unchanged: nothing is read, nothing is written.
        Result<SearchIndex::SyncStats> again = index.sync();
        QVERIFY(again);
        QCOMPARE(again->filesScanned, 7);
        QCOMPARE(again->filesRead, 0);
        QCOMPARE(again->unitsReindexed, 0);
        QCOMPARE(again->documentsWritten, 0);
        QCOMPARE(index.documentsWrittenTotal().value(), total);
        QVERIFY(index.search({QStringLiteral("revenue"), 5, {}, {}, {}}));
        QCOMPARE(index.documentsWrittenTotal().value(), total); // a query never indexes

        // Touched but identical: read and hashed, not re-indexed.
        age(m_project + QStringLiteral("/wiki/global/churn.md"), 30);
        Result<SearchIndex::SyncStats> touched = index.sync();
        QCOMPARE(touched->filesRead, 1);
        QCOMPARE(touched->filesChanged, 0);
        QCOMPARE(touched->documentsWritten, 0);

        // Modified: only that page is re-indexed, and search sees the new text.
        QVERIFY(!ids(*index.search({QStringLiteral("kangaroo"), 5, {}, {}, {}}))
                     .contains(QStringLiteral("wiki:churn")));
        writeFile(m_project + QStringLiteral("/wiki/global/churn.md"),
                  wikiPage(QStringLiteral("Customers who cancel"),
                           QStringLiteral("Churn, as the kangaroo team defines it.")));
        age(m_project + QStringLiteral("/wiki/global/churn.md"), 20);
        Result<SearchIndex::SyncStats> modified = index.sync();
        QCOMPARE(modified->filesChanged, 1);
        QCOMPARE(modified->unitsReindexed, 1);
        QCOMPARE(modified->documentsWritten, 1);
        QCOMPARE(ids(*index.search({QStringLiteral("kangaroo"), 5, {}, {}, {}})).value(0),
                 QStringLiteral("wiki:churn"));

        // Added.
        writeFile(m_project + QStringLiteral("/wiki/global/wombat.md"),
                  wikiPage(QStringLiteral("Wombat metrics"), QStringLiteral("All about wombats.")));
        Result<SearchIndex::SyncStats> added = index.sync();
        QCOMPARE(added->filesChanged, 1);
        QCOMPARE(ids(*index.search({QStringLiteral("wombat"), 5, {}, {}, {}})).value(0),
                 QStringLiteral("wiki:wombat"));

        // Removed: its rows go, the rest stay.
        QVERIFY(QFile::remove(m_project + QStringLiteral("/wiki/global/wombat.md")));
        Result<SearchIndex::SyncStats> removed = index.sync();
        QCOMPARE(removed->filesRemoved, 1);
        QCOMPARE(removed->documentsDeleted, 1);
        QVERIFY(index.search({QStringLiteral("wombat"), 5, {}, {}, {}})->hits.isEmpty());

        // A semantic source file: its measure changes, only its documents move.
        writeFile(m_project + QStringLiteral("/semantic-layer/warehouse/accounts.yaml"),
                  "name: customer_accounts\ntable: main.accounts\ngrain: [plan]\ncolumns:\n"
                  "  - name: plan\n    type: string\nmeasures:\n  - name: platypus_count\n"
                  "    expr: count(*)\n");
        Result<SearchIndex::SyncStats> sl = index.sync();
        QCOMPARE(sl->filesChanged, 1);
        QCOMPARE(sl->documentsWritten, 2); // the source row and the new measure
        QCOMPARE(ids(*index.search(
                         {QStringLiteral("platypus"), 5, {QStringLiteral("sl_measure")}, {}, {}}))
                     .value(0),
                 QStringLiteral("sl_measure:customer_accounts.platypus_count"));

        // A broken page is reported and dropped, never fatal.
        writeFile(m_project + QStringLiteral("/wiki/global/revenue.md"), "no front-matter\n");
        Result<SearchIndex::SyncStats> broken = index.sync();
        QVERIFY(broken);
        QCOMPARE(broken->issues.size(), 1);
        QCOMPARE(broken->issues.first().file, QStringLiteral("wiki/global/revenue.md"));
    }

    void newEvidenceReplacesTheOldSnapshot()
    {
        makeProject();
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        QCOMPARE(
            ids(*index.search({QStringLiteral("accounts"), 5, {QStringLiteral("table")}, {}, {}})),
            QStringList {QStringLiteral("table:accounts")});
        const QString sync = m_project
            + QStringLiteral("/raw-sources/warehouse/live-database/2026-02-01-000000-j2");
        writeFile(sync + QStringLiteral("/connection.json"),
                  R"({"connectionId":"warehouse","extractedAt":"2026-02-01T00:00:00.000Z"})");
        writeFile(sync + QStringLiteral("/tables/bWFpbg.aW52b2ljZXM.json"),
                  tableJson(QStringLiteral("invoices"),
                            {column(QStringLiteral("total"), QStringLiteral("number"))}, {}));
        Result<SearchIndex::SyncStats> stats = index.sync();
        QCOMPARE(stats->filesRemoved, 2);
        QVERIFY(
            !ids(*index.search({QStringLiteral("accounts"), 5, {QStringLiteral("table")}, {}, {}}))
                 .contains(QStringLiteral("table:accounts")));
        QCOMPARE(
            ids(*index.search({QStringLiteral("invoices"), 5, {QStringLiteral("table")}, {}, {}})),
            QStringList {QStringLiteral("table:invoices")});
        // The new snapshot has no profiles.
        Result<DictionaryResponse> d = index.lookupValues({QStringLiteral("Enterprise")}, {});
        QCOMPARE(d->searched.first().status, QStringLiteral("no_profile_artifact"));
        QCOMPARE(d->results.first().misses.first().reason, QStringLiteral("no_profile_artifact"));
    }

    void userPagesShadowGlobalPagesInSearch()
    {
        makeProject();
        writeFile(
            m_project + QStringLiteral("/wiki/user/ana/revenue.md"),
            wikiPage(QStringLiteral("Ana's revenue notes"), QStringLiteral("Revenue for Ana.")));
        writeFile(m_project + QStringLiteral("/wiki/user/bob/revenue-bob.md"),
                  wikiPage(QStringLiteral("Bob's revenue"), QStringLiteral("Revenue for Bob.")));
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        auto wiki = [&](const QString &user) {
            QStringList out;
            const Result<SearchResponse> r
                = index.search({QStringLiteral("revenue"), 10, {QStringLiteral("wiki")}, {}, user});
            for (const SearchHit &h : r->hits)
                out << h.document.scope + QLatin1Char('/') + h.document.userId + QLatin1Char('/')
                        + h.document.id;
            out.sort();
            return out;
        };
        QCOMPARE(wiki(QStringLiteral("ana")), QStringList {QStringLiteral("USER/ana/revenue")});
        QCOMPARE(wiki(QStringLiteral("local")), QStringList {QStringLiteral("GLOBAL//revenue")});
        QCOMPARE(wiki(QStringLiteral("bob")),
                 (QStringList {QStringLiteral("GLOBAL//revenue"),
                               QStringLiteral("USER/bob/revenue-bob")}));
    }

    void kindsConnectionsAndMatchedOn()
    {
        makeProject();
        writeFile(m_project + QStringLiteral("/semantic-layer/other/orders.yaml"),
                  "name: orders\ndescription: Orders of the other shop\ntable: orders\n"
                  "grain: [id]\ncolumns:\n  - name: id\n    type: number\n");
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        Result<SearchResponse> all
            = index.search({QStringLiteral("orders"), 50, {QStringLiteral("sl_source")}, {}, {}});
        QCOMPARE(all->hits.size(), 2);
        Result<SearchResponse> one = index.search({QStringLiteral("orders"),
                                                   50,
                                                   {QStringLiteral("sl_source")},
                                                   QStringLiteral("other"),
                                                   {}});
        QCOMPARE(one->hits.size(), 1);
        QCOMPARE(one->hits.first().document.connectionId, QStringLiteral("other"));
        QCOMPARE(one->hits.first().matchedOn, QStringLiteral("name"));

        Result<SearchResponse> expr = index.search(
            {QStringLiteral("sum amount"), 5, {QStringLiteral("sl_measure")}, {}, {}});
        QCOMPARE(expr->hits.first().document.id, QStringLiteral("orders.total_revenue"));
        QCOMPARE(expr->hits.first().matchedOn, QStringLiteral("expr"));

        // Hidden columns are not dimensions anyone can find.
        QVERIFY(
            index
                .search(
                    {QStringLiteral("secret_note"), 5, {QStringLiteral("sl_dimension")}, {}, {}})
                ->hits.isEmpty());

        Result<SearchResponse> sample
            = index.search({QStringLiteral("Enterprise"), 5, {QStringLiteral("column")}, {}, {}});
        QCOMPARE(sample->hits.size(), 1);
        const SearchHit &col = sample->hits.first();
        QCOMPARE(col.document.id, QStringLiteral("accounts.plan"));
        QCOMPARE(col.document.columnName, QStringLiteral("plan"));
        QCOMPARE(col.document.tableRef.value(QStringLiteral("db")).toString(),
                 QStringLiteral("main"));
        QVERIFY(col.document.tableRef.value(QStringLiteral("catalog")).isNull());
        QCOMPARE(col.matchedOn, QStringLiteral("sample_value"));
    }

    void dictionaryFindsSampledValues()
    {
        makeProject();
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        Result<DictionaryResponse> d
            = index.lookupValues({QStringLiteral("enterprise"), QStringLiteral("Grow"),
                                  QStringLiteral("Platinum"), QStringLiteral("10")},
                                 {QStringLiteral("warehouse"), QStringLiteral("nowhere")});
        QVERIFY2(d, qPrintable(d ? QString() : d.error().toText()));
        QCOMPARE(d->searched.size(), 2);
        const DictionaryCoverage &cov = d->searched.first();
        QCOMPARE(cov.status, QStringLiteral("ready"));
        QCOMPARE(cov.sampledRows.value_or(-1), 500);
        QCOMPARE(cov.valuesPerColumn.value_or(-1), 3);
        QCOMPARE(cov.profiledColumns, 2);
        QCOMPARE(cov.syncId, QStringLiteral("2026-01-01-000000-j1"));
        QCOMPARE(cov.profiledAt, QStringLiteral("2026-01-01T00:00:00.000Z"));
        QCOMPARE(d->searched.at(1).status, QStringLiteral("no_profile_artifact"));

        const DictionaryValueResult &enterprise = d->results.at(0);
        QCOMPARE(enterprise.matches.size(), 1);
        QCOMPARE(enterprise.matches.first().matchedValue, QStringLiteral("Enterprise"));
        QCOMPARE(enterprise.matches.first().sourceName, QStringLiteral("customer_accounts"));
        QCOMPARE(enterprise.matches.first().columnName, QStringLiteral("plan"));
        QCOMPARE(enterprise.matches.first().cardinality.value_or(-1), 3);
        QCOMPARE(enterprise.misses.size(), 1); // the connection without evidence
        QCOMPARE(enterprise.misses.first().reason, QStringLiteral("no_profile_artifact"));

        QCOMPARE(d->results.at(1).matches.first().matchedValue, QStringLiteral("Growth"));
        QVERIFY(d->results.at(2).matches.isEmpty());
        QCOMPARE(d->results.at(2).misses.first().reason, QStringLiteral("value_not_in_sample"));
        // Numbers are not dictionary values.
        QVERIFY(d->results.at(3).matches.isEmpty());
    }

    void semanticLaneSkippedWithAReason()
    {
        makeProject();
        SearchIndex plain(m_project);
        QVERIFY(plain.sync());
        Result<SearchResponse> r = plain.search({QStringLiteral("revenue"), 5, {}, {}, {}});
        const SearchLaneReport *semantic = lane(*r, QStringLiteral("semantic"));
        QCOMPARE(semantic->status, QStringLiteral("skipped"));
        QCOMPARE(semantic->reason, QStringLiteral("embedding_unconfigured"));
        QCOMPARE(semantic->returnedCandidateCount, 0);
        QVERIFY(!r->embeddingConfigured);

        // Configured, but nothing answers on that port.
        EmbeddingClient::Settings settings;
        settings.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v1"));
        settings.model = QStringLiteral("test-embed");
        RequestGovernor::Policy once;
        once.maxAttempts = 1;
        SearchIndex::Options options;
        options.embeddings.emplace(settings, std::make_shared<RequestGovernor>(once));
        options.embeddingsUnavailable.clear();
        SearchIndex broken(m_project, options);
        Result<SearchIndex::SyncStats> stats = broken.sync();
        QVERIFY(stats); // indexing goes on without vectors
        QVERIFY(!stats->embeddingError.isEmpty());
        r = broken.search({QStringLiteral("revenue"), 5, {}, {}, {}});
        QVERIFY(r);
        semantic = lane(*r, QStringLiteral("semantic"));
        QCOMPARE(semantic->status, QStringLiteral("skipped"));
        QVERIFY2(semantic->reason.startsWith(QLatin1String("embedding_unhealthy:")),
                 qPrintable(semantic->reason));
        QVERIFY(!r->hits.isEmpty()); // the other lanes still answer

        ProjectConfig config;
        config.ingest.embeddings.backend = QStringLiteral("openai");
        config.ingest.embeddings.model.clear();
        QVERIFY(SearchIndex::Options::fromConfig(config, m_project, {})
                    .embeddingsUnavailable.startsWith(QLatin1String("embedding_unhealthy:")));
        QCOMPARE(
            SearchIndex::Options::fromConfig(ProjectConfig(), m_project, {}).embeddingsUnavailable,
            QStringLiteral("embedding_unconfigured"));
    }

    void semanticLaneWithAFakeEmbeddingsServer()
    {
        makeProject();
        test::FakeModelServer fake;
        ProjectConfig config;
        config.ingest.embeddings.backend = QStringLiteral("openai");
        config.ingest.embeddings.model = QStringLiteral("local-embed");
        config.ingest.embeddings.dimensions = 8;
        config.ingest.embeddings.openai.baseUrl = fake.baseUrl().toString() + QStringLiteral("/v1");
        const SearchIndex::Options options
            = SearchIndex::Options::fromConfig(config, m_project, {});
        QVERIFY2(options.embeddings, qPrintable(options.embeddingsUnavailable));
        const SearchIndex index(m_project, options);

        Result<SearchIndex::SyncStats> first = index.sync();
        QVERIFY(first);
        QVERIFY2(first->embeddingError.isEmpty(), qPrintable(first->embeddingError));
        QVERIFY(first->embeddingsComputed > 0);
        const int requests = fake.requestCount();
        QVERIFY(requests > 0);

        // Computed once: an unchanged project asks for nothing.
        Result<SearchIndex::SyncStats> again = index.sync();
        QCOMPARE(again->embeddingsComputed, 0);
        QCOMPARE(fake.requestCount(), requests);

        // The fake maps equal texts to equal vectors: a query that is exactly a
        // page's embedded text is that page's nearest neighbour.
        WikiPage onboarding
            = WikiPage::parse(wikiPage(QStringLiteral("New hire onboarding"),
                                       QStringLiteral("Laptops, accounts and the first week.")))
                  .value();
        onboarding.key = QStringLiteral("onboarding");
        const QString query = SearchDocumentBuilder::fromWikiPage(onboarding).embeddingText();
        Result<SearchResponse> r = index.search({query, 5, {QStringLiteral("wiki")}, {}, {}});
        QVERIFY(r);
        const SearchLaneReport *semantic = lane(*r, QStringLiteral("semantic"));
        QCOMPARE(semantic->status, QStringLiteral("available"));
        QVERIFY(semantic->returnedCandidateCount > 0);
        QVERIFY(r->embeddingConfigured);
        QCOMPARE(r->hits.first().document.id, QStringLiteral("onboarding"));
        QCOMPARE(r->hits.first().ranks.value(QStringLiteral("semantic")), 1);
        QVERIFY(r->hits.first().matchReasons.contains(QStringLiteral("semantic")));
        QCOMPARE(fake.requestCount(), requests + 1); // one call: the query
        // A changed page gets one new vector.
        writeFile(m_project + QStringLiteral("/wiki/global/churn.md"),
                  wikiPage(QStringLiteral("Customers who cancel"), QStringLiteral("New words.")));
        Result<SearchIndex::SyncStats> changed = index.sync();
        QCOMPARE(changed->embeddingsComputed, 1);
    }

    void concurrentReaders()
    {
        makeProject();
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        std::atomic<int> failures {0};
        std::atomic<int> found {0};
        QThreadPool pool;
        pool.setMaxThreadCount(4);
        for (int t = 0; t < 4; ++t) {
            pool.start([&] {
                for (int i = 0; i < 25; ++i) {
                    Result<SearchResponse> r
                        = index.search({QStringLiteral("revenue refunds"), 5, {}, {}, {}});
                    if (!r)
                        ++failures;
                    else if (!r->hits.isEmpty())
                        ++found;
                }
            });
        }
        // A writer at the same time: readers never fail on its lock (WAL).
        writeFile(m_project + QStringLiteral("/wiki/global/extra.md"),
                  wikiPage(QStringLiteral("Extra"), QStringLiteral("More revenue text.")));
        QVERIFY(index.sync());
        pool.waitForDone();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(found.load(), 100);
    }

    void refreshSkipsOnlyWhenNoFolderChanged()
    {
        makeProject();
        ageAll(m_project);
        ageDirs(m_project, 600);
        const SearchIndex index(m_project);
        const QString wiki = m_project + QStringLiteral("/wiki/global/");
        auto found = [&](const QString &query) {
            return ids(*index.search({query, 5, {}, {}, {}}));
        };

        Result<SearchIndex::SyncStats> first = index.refresh();
        QVERIFY2(first, qPrintable(first ? QString() : first.error().toText()));
        QVERIFY(!first->upToDate);
        QCOMPARE(first->filesChanged, 7);
        Result<SearchIndex::SyncStats> same = index.refresh();
        QVERIFY(same->upToDate);
        QCOMPARE(same->filesScanned, 0); // not even the files were looked at

        // Added: the folder changed.
        saveAtomically(wiki + QStringLiteral("wombat.md"),
                       wikiPage(QStringLiteral("Wombat metrics"), QStringLiteral("All wombats.")));
        Result<SearchIndex::SyncStats> added = index.refresh();
        QVERIFY(!added->upToDate);
        QCOMPARE(added->filesChanged, 1);
        QCOMPARE(found(QStringLiteral("wombat")).value(0), QStringLiteral("wiki:wombat"));
        // Just changed: within the racy window the stamp is not trusted.
        QVERIFY(!index.refresh()->upToDate);

        ageDirs(m_project, 500);
        QVERIFY(!index.refresh()->upToDate); // a new stamp is recorded
        QVERIFY(index.refresh()->upToDate);

        // Modified the way WikiStore and editors save.
        QVERIFY(!found(QStringLiteral("kangaroo")).contains(QStringLiteral("wiki:churn")));
        saveAtomically(wiki + QStringLiteral("churn.md"),
                       wikiPage(QStringLiteral("Customers who cancel"),
                                QStringLiteral("Churn, as the kangaroo team defines it.")));
        Result<SearchIndex::SyncStats> modified = index.refresh();
        QVERIFY(!modified->upToDate);
        QCOMPARE(modified->filesChanged, 1);
        QCOMPARE(found(QStringLiteral("kangaroo")).value(0), QStringLiteral("wiki:churn"));

        ageDirs(m_project, 400);
        QVERIFY(index.refresh());
        QVERIFY(index.refresh()->upToDate);

        // Removed.
        QVERIFY(QFile::remove(wiki + QStringLiteral("wombat.md")));
        Result<SearchIndex::SyncStats> removed = index.refresh();
        QVERIFY(!removed->upToDate);
        QCOMPARE(removed->filesRemoved, 1);
        QVERIFY(found(QStringLiteral("wombat")).isEmpty());

        // A source in a new sub-folder of a connection, and a user's first page.
        ageDirs(m_project, 300);
        QVERIFY(index.refresh());
        QVERIFY(index.refresh()->upToDate);
        saveAtomically(m_project + QStringLiteral("/semantic-layer/warehouse/extra/emus.yaml"),
                       "name: emus\ntable: main.emus\ngrain: [id]\ncolumns:\n  - name: id\n"
                       "    type: number\n");
        QCOMPARE(index.refresh()->filesChanged, 1);
        QCOMPARE(found(QStringLiteral("emus")).value(0), QStringLiteral("sl_source:emus"));
        ageDirs(m_project, 200);
        QVERIFY(index.refresh());
        QVERIFY(index.refresh()->upToDate);
        saveAtomically(m_project + QStringLiteral("/wiki/user/ana/numbat.md"),
                       wikiPage(QStringLiteral("Numbats"), QStringLiteral("Ana's numbat page.")));
        QCOMPARE(index.refresh()->filesChanged, 1);
        QCOMPARE(ids(*index.search({QStringLiteral("numbat"), 5, {}, {}, QStringLiteral("ana")}))
                     .value(0),
                 QStringLiteral("wiki:numbat"));

        // The documented limit: a file rewritten in place leaves its folder's
        // time alone, so refresh() does not see it; sync() does.
        ageDirs(m_project, 100);
        QVERIFY(index.refresh());
        QVERIFY(index.refresh()->upToDate);
        writeFile(wiki + QStringLiteral("onboarding.md"),
                  wikiPage(QStringLiteral("Onboarding"), QStringLiteral("The quokka checklist.")));
        ageDirs(m_project, 100);
        QVERIFY(index.refresh()->upToDate);
        QVERIFY(found(QStringLiteral("quokka")).isEmpty());
        QCOMPARE(index.sync()->filesChanged, 1);
        QCOMPARE(found(QStringLiteral("quokka")).value(0), QStringLiteral("wiki:onboarding"));
    }

    void deletedDatabaseIsRebuiltNotReadThroughAnOldConnection()
    {
        makeProject();
        const SearchIndex index(m_project);
        QVERIFY(index.sync());
        QVERIFY(!index.search({QStringLiteral("revenue"), 5, {}, {}, {}})->hits.isEmpty());
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(index.databasePath() + suffix);
        QVERIFY(index.search({QStringLiteral("revenue"), 5, {}, {}, {}})->hits.isEmpty());
        Result<SearchIndex::SyncStats> rebuilt = index.sync();
        QCOMPARE(rebuilt->filesChanged, 7);
        QVERIFY(!index.search({QStringLiteral("revenue"), 5, {}, {}, {}})->hits.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSearchIndex)
#include "tst_searchindex.moc"
