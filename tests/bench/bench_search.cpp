// Search over 10,000 wiki pages and 5,000 semantic sources: index build,
// incremental re-sync, refresh() of an unchanged tree, and query latency through SearchIndex (all
// lanes, fusion, result rows) beside a bare FTS5 MATCH ... ORDER BY bm25 LIMIT 10 on the same index
// in the same run, interleaved query by query.
#include "benchfigures.h"

#include "search/searchindex.h"
#include "search/searchterms.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace ktx;

namespace {

const QStringList kWords {
    QStringLiteral("revenue"),    QStringLiteral("order"),       QStringLiteral("customer"),
    QStringLiteral("refund"),     QStringLiteral("churn"),       QStringLiteral("subscription"),
    QStringLiteral("invoice"),    QStringLiteral("payment"),     QStringLiteral("region"),
    QStringLiteral("account"),    QStringLiteral("plan"),        QStringLiteral("seat"),
    QStringLiteral("discount"),   QStringLiteral("contract"),    QStringLiteral("renewal"),
    QStringLiteral("pipeline"),   QStringLiteral("forecast"),    QStringLiteral("margin"),
    QStringLiteral("cohort"),     QStringLiteral("retention"),   QStringLiteral("activation"),
    QStringLiteral("supplier"),   QStringLiteral("procurement"), QStringLiteral("approval"),
    QStringLiteral("warehouse"),  QStringLiteral("shipment"),    QStringLiteral("inventory"),
    QStringLiteral("product"),    QStringLiteral("category"),    QStringLiteral("campaign"),
    QStringLiteral("marketing"),  QStringLiteral("channel"),     QStringLiteral("session"),
    QStringLiteral("event"),      QStringLiteral("funnel"),      QStringLiteral("conversion"),
    QStringLiteral("quarter"),    QStringLiteral("monthly"),     QStringLiteral("weekly"),
    QStringLiteral("daily"),      QStringLiteral("finance"),     QStringLiteral("ledger"),
    QStringLiteral("booking"),    QStringLiteral("recognition"), QStringLiteral("policy"),
    QStringLiteral("segment"),    QStringLiteral("enterprise"),  QStringLiteral("growth"),
    QStringLiteral("starter"),    QStringLiteral("partner"),     QStringLiteral("ticket"),
    QStringLiteral("support"),    QStringLiteral("escalation"),  QStringLiteral("latency"),
    QStringLiteral("uptime"),     QStringLiteral("incident"),    QStringLiteral("employee"),
    QStringLiteral("headcount"),  QStringLiteral("payroll"),     QStringLiteral("budget"),
    QStringLiteral("variance"),   QStringLiteral("exchange"),    QStringLiteral("currency"),
    QStringLiteral("tax"),        QStringLiteral("gross"),       QStringLiteral("net"),
    QStringLiteral("arr"),        QStringLiteral("mrr"),         QStringLiteral("nps"),
    QStringLiteral("lead"),       QStringLiteral("opportunity"), QStringLiteral("quota"),
    QStringLiteral("territory"),  QStringLiteral("dashboard"),   QStringLiteral("metric"),
    QStringLiteral("definition"), QStringLiteral("owner"),       QStringLiteral("source"),
    QStringLiteral("table"),      QStringLiteral("column"),      QStringLiteral("join")};
const QStringList kFiller {QStringLiteral("the"),     QStringLiteral("is"),
                           QStringLiteral("by"),      QStringLiteral("for"),
                           QStringLiteral("and"),     QStringLiteral("of"),
                           QStringLiteral("counted"), QStringLiteral("when"),
                           QStringLiteral("team"),    QStringLiteral("uses")};

class Generator
{
public:
    explicit Generator(quint32 seed)
        : m_rng(seed)
    { }
    // Zipf-ish: low indexes are much more common, as real vocabularies are.
    const QString &word()
    {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        const int i = int(std::pow(u(m_rng), 2.2) * kWords.size());
        return kWords.at(std::min(i, int(kWords.size()) - 1));
    }
    QString sentence(int n)
    {
        QStringList out;
        for (int i = 0; i < n; ++i)
            out << (m_rng() % 3 == 0 ? kFiller.at(m_rng() % kFiller.size()) : word());
        return out.join(QLatin1Char(' '));
    }
    quint32 next() { return m_rng(); }

private:
    std::mt19937 m_rng;
};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(bytes);
}

void age(const QString &path)
{
    QFile f(path);
    if (f.open(QIODevice::ReadWrite))
        f.setFileTime(QDateTime::currentDateTime().addSecs(-600),
                      QFileDevice::FileModificationTime);
}

QByteArray wikiPage(Generator &g, int i)
{
    QByteArray out = "---\nsummary: \"" + g.sentence(8).toUtf8() + "\"\ntags: [" + g.word().toUtf8()
        + ", " + g.word().toUtf8() + "]\n---\n\n# Page " + QByteArray::number(i) + "\n\n";
    for (int p = 0; p < 3; ++p)
        out += g.sentence(30).toUtf8() + ".\n\n";
    return out;
}

QByteArray source(Generator &g, int i)
{
    const QString name = QStringLiteral("%1_%2_%3").arg(g.word(), g.word()).arg(i);
    QByteArray out = "name: " + name.toUtf8() + "\ndescription: " + g.sentence(10).toUtf8()
        + "\ntable: analytics." + name.toUtf8()
        + "\ngrain: [id]\ncolumns:\n  - name: id\n    type: number\n";
    for (int c = 0; c < 6; ++c)
        out += "  - name: " + g.word().toUtf8() + "_" + QByteArray::number(c)
            + "\n    type: string\n    description: " + g.sentence(6).toUtf8() + "\n";
    out += "measures:\n";
    for (int m = 0; m < 2; ++m)
        out += "  - name: total_" + g.word().toUtf8() + "_" + QByteArray::number(m)
            + "\n    expr: sum(id)\n    description: " + g.sentence(5).toUtf8() + "\n";
    return out;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    constexpr int kPages = 10000;
    constexpr int kSources = 5000;
    constexpr int kConnections = 5;
    constexpr int kQueries = 500;

    QTemporaryDir dir;
    const QString project = dir.path();
    writeFile(project + QStringLiteral("/ktx.yaml"), "project: bench\n");
    QDir().mkpath(project + QStringLiteral("/wiki/global"));
    Generator g(20260101);
    for (int i = 0; i < kPages; ++i) {
        const QString path
            = project + QStringLiteral("/wiki/global/page-%1.md").arg(i, 5, 10, QLatin1Char('0'));
        writeFile(path, wikiPage(g, i));
        age(path);
    }
    for (int c = 0; c < kConnections; ++c)
        QDir().mkpath(project + QStringLiteral("/semantic-layer/conn%1").arg(c));
    for (int i = 0; i < kSources; ++i) {
        const QString path = project
            + QStringLiteral("/semantic-layer/conn%1/source_%2.yaml")
                  .arg(i % kConnections)
                  .arg(i, 4, 10, QLatin1Char('0'));
        writeFile(path, source(g, i));
        age(path);
    }

    std::printf("bench_search: %d wiki pages, %d semantic sources in %d connections\n", kPages,
                kSources, kConnections);
    std::printf(
        "  embeddings lane: off (no embeddings backend; lane reports embedding_unconfigured)\n");

    const SearchIndex index(project); // default options: no embeddings
    Result<SearchIndex::SyncStats> built = SearchIndex::SyncStats();
    const double buildMs = bench::timeMs([&] { built = index.sync(); });
    if (!built) {
        std::printf("sync failed: %s\n", qPrintable(built.error().toText()));
        return 1;
    }
    std::printf("  full index build:              %9.1f ms  (%d files, %d documents)\n", buildMs,
                built->filesScanned, built->documentsWritten);
    Result<SearchIndex::SyncStats> same = SearchIndex::SyncStats();
    const double unchangedMs = bench::timeMs([&] { same = index.sync(); });
    std::printf(
        "  re-sync, nothing changed:      %9.1f ms  (files read %d, documents written %d)\n",
        unchangedMs, same->filesRead, same->documentsWritten);
    for (int i = 0; i < 10; ++i) {
        const QString path = i < 5 ? project
                + QStringLiteral("/wiki/global/page-%1.md").arg(i * 997, 5, 10, QLatin1Char('0'))
                                   : project
                + QStringLiteral("/semantic-layer/conn%1/source_%2.yaml")
                      .arg((i * 613) % kConnections)
                      .arg(i * 613, 4, 10, QLatin1Char('0'));
        writeFile(path, i < 5 ? wikiPage(g, i) : source(g, i * 613));
        age(path);
    }
    Result<SearchIndex::SyncStats> ten = SearchIndex::SyncStats();
    const double tenMs = bench::timeMs([&] { ten = index.sync(); });
    std::printf("  re-sync after 10 files changed: %8.1f ms  (files changed %d, documents written "
                "%d)\n",
                tenMs, ten->filesChanged, ten->documentsWritten);

    // What the tools do before each query: refresh() compares folder times with
    // the ones the last refresh recorded instead of looking at every file. The
    // step above added a file (source_5517), so its folder changed just now:
    // within two seconds of that refresh() does not trust folder times.
    QThread::msleep(2100);
    Result<SearchIndex::SyncStats> stamped = SearchIndex::SyncStats();
    const double stampMs = bench::timeMs([&] { stamped = index.refresh(); });
    std::printf("  refresh(), first (full sync, records folder times): %8.1f ms\n", stampMs);
    std::vector<double> refreshMs;
    bool upToDate = true;
    for (int i = 0; i < 20; ++i) {
        refreshMs.push_back(bench::timeMs([&] {
            Result<SearchIndex::SyncStats> r = index.refresh();
            upToDate = upToDate && r && r->upToDate;
        }));
    }
    std::sort(refreshMs.begin(), refreshMs.end());
    std::printf("  refresh(), nothing changed:    %9.2f ms  (median of 20; up to date: %s; "
                "vs re-sync %.1fx faster)\n",
                refreshMs[10], upToDate ? "yes" : "NO", unchangedMs / refreshMs[10]);

    // The reference: a bare FTS5 query on an open connection, prepared once.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bare"));
    db.setDatabaseName(index.databasePath());
    if (!db.open()) {
        std::printf("cannot open %s\n", qPrintable(index.databasePath()));
        return 1;
    }
    std::vector<double> oursMs, bareMs;
    int hits = 0, bareHits = 0;
    {
        QSqlQuery bare(db);
        bare.prepare(QStringLiteral("SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER "
                                    "BY bm25(search_fts) LIMIT 10"));
        Generator qg(7);
        for (int i = 0; i < kQueries; ++i) {
            const QString query = qg.next() % 2
                ? QString(qg.word() + QLatin1Char(' ') + qg.word())
                : QString(qg.word() + QLatin1Char(' ') + qg.word() + QLatin1Char(' ') + qg.word());
            oursMs.push_back(bench::timeMs([&] {
                Result<SearchResponse> r = index.search({query, 10, {}, {}, {}});
                hits += r ? int(r->hits.size()) : 0;
            }));
            bareMs.push_back(bench::timeMs([&] {
                bare.addBindValue(SearchTerms::matchAny(SearchTerms::parse(query)));
                bare.exec();
                while (bare.next())
                    ++bareHits;
            }));
        }
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("bare"));

    const double p50 = percentile(oursMs, 0.50), p99 = percentile(oursMs, 0.99);
    const double b50 = percentile(bareMs, 0.50), b99 = percentile(bareMs, 0.99);
    std::printf("  %d queries (2-3 words), limit 10:\n", kQueries);
    std::printf("    SearchIndex::search (lexical + token + fusion): p50 %7.2f ms   p99 %7.2f ms   "
                "(%d hits)\n",
                p50, p99, hits);
    std::printf("    bare FTS5 MATCH ORDER BY bm25 LIMIT 10:         p50 %7.2f ms   p99 %7.2f ms   "
                "(%d hits)\n",
                b50, b99, bareHits);
    std::printf("    ratio (ours / bare):                             p50 %7.1fx    p99 %7.1fx\n",
                b50 > 0 ? p50 / b50 : 0.0, b99 > 0 ? p99 / b99 : 0.0);
    return 0;
}
