// Pins SearchIndex::search's output on a fixed, generated corpus: hit order,
// fused scores, lane ranks, snippets, matchedOn, lane counts and totals, for
// plain queries, kind and connection filters and users whose pages shadow global
// ones. The expected output was recorded from the implementation before the
// query path was optimised (set KTX_WRITE_SEARCH_GOLDEN=<file> to record anew);
// any change to ranking shows up here as a diff.
#include "search/searchindex.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace ktx;

namespace {

const QStringList kWords {
    QStringLiteral("revenue"),  QStringLiteral("order"),     QStringLiteral("customer"),
    QStringLiteral("refund"),   QStringLiteral("churn"),     QStringLiteral("subscription"),
    QStringLiteral("invoice"),  QStringLiteral("payment"),   QStringLiteral("region"),
    QStringLiteral("account"),  QStringLiteral("plan"),      QStringLiteral("seat"),
    QStringLiteral("discount"), QStringLiteral("contract"),  QStringLiteral("renewal"),
    QStringLiteral("pipeline"), QStringLiteral("forecast"),  QStringLiteral("margin"),
    QStringLiteral("cohort"),   QStringLiteral("retention"), QStringLiteral("orders"),
    QStringLiteral("refunded"), QStringLiteral("customers"), QStringLiteral("ledger"),
    QStringLiteral("booking"),  QStringLiteral("quota"),     QStringLiteral("territory")};

class Generator
{
public:
    explicit Generator(quint32 seed)
        : m_rng(seed)
    { }
    const QString &word()
    {
        // Skewed, so some words are common and bm25 has ties and spread.
        const quint32 a = m_rng() % quint32(kWords.size());
        const quint32 b = m_rng() % quint32(kWords.size());
        return kWords.at(int(std::min(a, b)));
    }
    QString sentence(int n)
    {
        QStringList out;
        for (int i = 0; i < n; ++i)
            out << (m_rng() % 4 == 0 ? QStringLiteral("the") : word());
        return out.join(QLatin1Char(' '));
    }
    quint32 next() { return m_rng(); }

private:
    std::mt19937 m_rng;
};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-120),
                          QFileDevice::FileModificationTime));
}

QByteArray wikiPage(Generator &g, const QStringList &connections = {})
{
    QByteArray out = "---\nsummary: \"" + g.sentence(6).toUtf8() + "\"\n";
    if (!connections.isEmpty())
        out += "connections: [" + connections.join(QStringLiteral(", ")).toUtf8() + "]\n";
    out += "---\n\n";
    for (int p = 0; p < 2; ++p)
        out += g.sentence(12 + int(g.next() % 20)).toUtf8() + ".\n\n";
    return out;
}

QByteArray source(Generator &g, int i)
{
    const QString name = QStringLiteral("%1_%2_%3").arg(g.word(), g.word()).arg(i);
    QByteArray out = "name: " + name.toUtf8() + "\ndescription: " + g.sentence(8).toUtf8()
        + "\ntable: main." + name.toUtf8() + "\ngrain: [id]\ncolumns:\n  - name: id\n"
        + "    type: number\n";
    for (int c = 0; c < 3; ++c)
        out += "  - name: " + g.word().toUtf8() + "_" + QByteArray::number(c)
            + "\n    type: string\n    description: " + g.sentence(5).toUtf8() + "\n";
    out += "measures:\n  - name: total_" + g.word().toUtf8()
        + "\n    expr: sum(id)\n    description: " + g.sentence(4).toUtf8() + "\n";
    return out;
}

QString describe(const SearchRequest &request, const Result<SearchResponse> &r)
{
    QString out
        = QStringLiteral("Q %1 | limit %2 | kinds %3 | conn %4 | user %5\n")
              .arg(request.query)
              .arg(request.limit)
              .arg(request.kinds.join(QLatin1Char(',')), request.connectionId, request.userId);
    if (!r)
        return out + QStringLiteral("  error %1\n").arg(r.error().code);
    out += QStringLiteral("  total %1\n").arg(r->totalFound);
    for (const SearchLaneReport &lane : r->lanes)
        out += QStringLiteral("  lane %1 %2 %3/%4 %5\n")
                   .arg(lane.lane, lane.status)
                   .arg(lane.returnedCandidateCount)
                   .arg(lane.effectiveCandidatePoolLimit)
                   .arg(lane.reason);
    for (const SearchHit &h : r->hits) {
        QStringList ranks;
        for (const QString &lane : h.matchReasons)
            ranks << QStringLiteral("%1=%2").arg(lane).arg(h.ranks.value(lane));
        out += QStringLiteral("  hit %1:%2/%3/%4 score %5 [%6] on %7\n    snippet %8\n")
                   .arg(h.document.kind, h.document.scope, h.document.userId, h.document.id)
                   .arg(h.score, 0, 'f', 9)
                   .arg(ranks.join(QLatin1Char(' ')), h.matchedOn, h.snippet);
    }
    return out;
}

} // namespace

class TestSearchRanking : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rankingIsPinned()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString project = tmp.path();
        writeFile(project + QStringLiteral("/ktx.yaml"), "project: ranking\n");
        Generator g(4242);
        const QStringList connections {QStringLiteral("sales"), QStringLiteral("finance"),
                                       QStringLiteral("ops")};
        for (int i = 0; i < 400; ++i) {
            QStringList pageConnections;
            if (i % 5 == 1)
                pageConnections << connections.at(i % 3);
            writeFile(
                project + QStringLiteral("/wiki/global/page-%1.md").arg(i, 3, 10, QLatin1Char('0')),
                wikiPage(g, pageConnections));
        }
        // Ana's pages shadow some global keys; Bob's are his alone.
        for (int i = 0; i < 40; i += 2)
            writeFile(
                project
                    + QStringLiteral("/wiki/user/ana/page-%1.md").arg(i, 3, 10, QLatin1Char('0')),
                wikiPage(g));
        for (int i = 0; i < 10; ++i)
            writeFile(project + QStringLiteral("/wiki/user/bob/bob-%1.md").arg(i), wikiPage(g));
        for (int i = 0; i < 120; ++i)
            writeFile(project
                          + QStringLiteral("/semantic-layer/%1/source_%2.yaml")
                                .arg(connections.at(i % 3))
                                .arg(i, 3, 10, QLatin1Char('0')),
                      source(g, i));

        const SearchIndex index(project);
        const Result<SearchIndex::SyncStats> synced = index.sync();
        QVERIFY2(synced, qPrintable(synced ? QString() : synced.error().toText()));
        QCOMPARE(synced->filesScanned, 400 + 20 + 10 + 120);

        QList<SearchRequest> requests;
        Generator qg(99);
        for (int i = 0; i < 30; ++i) {
            SearchRequest r;
            r.query = i % 3 ? QString(qg.word() + QLatin1Char(' ') + qg.word())
                            : QString(qg.word() + QStringLiteral(" the ") + qg.word()
                                      + QLatin1Char(' ') + qg.word());
            r.limit = i % 4 == 0 ? 25 : 10;
            switch (i % 6) {
            case 1:
                r.userId = QStringLiteral("ana");
                break;
            case 2:
                r.kinds = {QStringLiteral("wiki")};
                r.userId = QStringLiteral("bob");
                break;
            case 3:
                r.connectionId = connections.at(i % 3);
                break;
            case 4:
                r.kinds = {QStringLiteral("sl_source"), QStringLiteral("sl_measure")};
                break;
            case 5:
                r.kinds = {QStringLiteral("wiki")};
                r.connectionId = QStringLiteral("finance");
                r.userId = QStringLiteral("ana");
                break;
            default:
                break;
            }
            requests << r;
        }
        // Prefixes only the token lane finds; a query with no terms; a rare word.
        requests << SearchRequest {
            QStringLiteral("refun custom"), 10, {}, {}, QStringLiteral("local")};
        requests << SearchRequest {QStringLiteral("the"), 10, {}, {}, QStringLiteral("local")};
        requests << SearchRequest {QStringLiteral("!!"), 10, {}, {}, QStringLiteral("local")};
        requests << SearchRequest {
            QStringLiteral("territory quota"), 250, {}, {}, QStringLiteral("ana")};

        QString actual;
        for (const SearchRequest &request : std::as_const(requests))
            actual += describe(request, index.search(request));
        // Twice through: a reused connection must answer as a fresh one did.
        QString again;
        for (const SearchRequest &request : std::as_const(requests))
            again += describe(request, index.search(request));
        QCOMPARE(again, actual);

        const QString writeTo = qEnvironmentVariable("KTX_WRITE_SEARCH_GOLDEN");
        if (!writeTo.isEmpty()) {
            QFile out(writeTo);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write(actual.toUtf8());
            QSKIP("golden written");
        }
        QFile golden(QFINDTESTDATA("data/searchranking.golden"));
        QVERIFY(golden.open(QIODevice::ReadOnly));
        const QStringList expected = QString::fromUtf8(golden.readAll()).split(QLatin1Char('\n'));
        const QStringList got = actual.split(QLatin1Char('\n'));
        for (int i = 0; i < std::min(expected.size(), got.size()); ++i)
            QCOMPARE(got.at(i), expected.at(i)); // the first differing line
        QCOMPARE(got.size(), expected.size());
        QVERIFY(actual.count(QStringLiteral("  hit ")) > 200); // the corpus is really searched
    }
};

QTEST_GUILESS_MAIN(TestSearchRanking)
#include "tst_searchranking.moc"
