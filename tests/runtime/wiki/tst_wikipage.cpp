// Wiki page parsing, deterministic serialization and round trips.
#include "wiki/wikipage.h"

#include <QJsonArray>
#include <QTest>

using namespace ktx;

namespace {

// Written as plain literals: moc misreads `#` lines inside raw strings.
const QByteArray kPatternPage
    = "---\n"
      "summary: \"Weekly revenue by region: the finance team's query\"\n"
      "usage_mode: auto\n"
      "sort_order: 3\n"
      "tags:\n"
      "  - revenue\n"
      "  - finance\n"
      "refs: [regions]\n"
      "sl_refs:\n"
      "  - warehouse.orders\n"
      "  - customers\n"
      "external_refs:\n"
      "  - type: notion\n"
      "    id: finance-revenue-policy\n"
      "source: historic-sql\n"
      "usage:\n"
      "  executions: 1234\n"
      "  distinct_users: 7\n"
      "  first_seen: 2026-01-05\n"
      "  error_rate: 0.0125\n"
      "  p50_runtime_ms: 812.5\n"
      "intent: Weekly revenue review\n"
      "representative_sql: |\n"
      "  select region, sum(amount)\n"
      "  from orders\n"
      "  group by 1\n"
      "stale_since: \"2026-03-01\"\n"
      "connections: [warehouse]\n"
      "---\n"
      "\n"
      "# Weekly revenue\n"
      "\n"
      "See [[regions]] and [[fiscal-calendar|the calendar]] and again [[regions#emea]].\n";

} // namespace

class TestWikiPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEveryKnownKey()
    {
        Result<WikiPage> page = WikiPage::parse(kPatternPage, QStringLiteral("weekly.md"));
        QVERIFY2(page, qPrintable(page ? QString() : page.error().toText()));
        QCOMPARE(page->summary,
                 QStringLiteral("Weekly revenue by region: the finance team's query"));
        QCOMPARE(page->usageMode, QStringLiteral("auto"));
        QCOMPARE(page->tags, (QStringList {QStringLiteral("revenue"), QStringLiteral("finance")}));
        QCOMPARE(page->refs, QStringList {QStringLiteral("regions")});
        QCOMPARE(page->slRefs,
                 (QStringList {QStringLiteral("warehouse.orders"), QStringLiteral("customers")}));
        QCOMPARE(page->externalRefs.size(), 1);
        QCOMPARE(page->externalRefs.at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("finance-revenue-policy"));
        QCOMPARE(page->source, QStringLiteral("historic-sql"));
        QCOMPARE(page->usage.value(QStringLiteral("executions")).toDouble(), 1234.0);
        QCOMPARE(page->usage.value(QStringLiteral("first_seen")).toString(),
                 QStringLiteral("2026-01-05"));
        QCOMPARE(page->usage.value(QStringLiteral("error_rate")).toDouble(), 0.0125);
        QCOMPARE(page->staleSince, QStringLiteral("2026-03-01"));
        QCOMPARE(page->connections, QStringList {QStringLiteral("warehouse")});
        // Unknown keys are kept, in file order, with their types.
        QCOMPARE(page->extra.size(), 3);
        QCOMPARE(page->extra.at(0).first, QStringLiteral("sort_order"));
        QCOMPARE(page->extra.at(0).second.toDouble(), 3.0);
        QCOMPARE(page->extra.at(2).first, QStringLiteral("representative_sql"));
        QVERIFY(page->extra.at(2).second.toString().startsWith(QLatin1String("select region")));
        QVERIFY(page->body.startsWith(QLatin1String("\n# Weekly revenue")));
    }

    void wikiLinksCountAsRefs()
    {
        Result<WikiPage> page = WikiPage::parse(kPatternPage);
        QVERIFY(page);
        QCOMPARE(page->wikiLinks(),
                 (QStringList {QStringLiteral("regions"), QStringLiteral("fiscal-calendar")}));
        QCOMPARE(page->allRefs(),
                 (QStringList {QStringLiteral("regions"), QStringLiteral("fiscal-calendar")}));
    }

    void bodyWithLinksLeavesCodeAlone()
    {
        WikiPage page;
        page.body
            = QStringLiteral("See [[refunds]] and [[regions|the regions]], [[fiscal#weeks]].\n"
                             "Inline `[[not-a-link]]` stays, ``[[nor` this]]`` too.\n"
                             "```sql\n"
                             "SELECT '[[in-code]]'\n"
                             "```\n"
                             "After the block: [[after]]\n");
        QCOMPARE(
            page.bodyWithLinks(QStringLiteral("ktx-wiki")),
            QStringLiteral("See [refunds](ktx-wiki:refunds) and [the regions](ktx-wiki:regions), "
                           "[fiscal#weeks](ktx-wiki:fiscal).\n"
                           "Inline `[[not-a-link]]` stays, ``[[nor` this]]`` too.\n"
                           "```sql\n"
                           "SELECT '[[in-code]]'\n"
                           "```\n"
                           "After the block: [after](ktx-wiki:after)\n"));
    }

    void roundTripKeepsEveryValue()
    {
        Result<WikiPage> first = WikiPage::parse(kPatternPage);
        QVERIFY(first);
        const QByteArray written = first->serialize();
        Result<WikiPage> second = WikiPage::parse(written);
        QVERIFY2(second,
                 qPrintable(second ? QString()
                                   : second.error().toText() + QLatin1Char('\n')
                                    + QString::fromUtf8(written)));
        QCOMPARE(second->summary, first->summary);
        QCOMPARE(second->tags, first->tags);
        QCOMPARE(second->refs, first->refs);
        QCOMPARE(second->slRefs, first->slRefs);
        QCOMPARE(second->usageMode, first->usageMode);
        QCOMPARE(second->externalRefs, first->externalRefs);
        QCOMPARE(second->usage, first->usage);
        QCOMPARE(second->staleSince, first->staleSince);
        QCOMPARE(second->connections, first->connections);
        QCOMPARE(second->extra, first->extra);
        QCOMPARE(second->body, first->body);
        // Deterministic: serializing again gives the same bytes.
        QCOMPARE(second->serialize(), written);
    }

    void emptyListsThatWereWrittenSurvive()
    {
        const QByteArray text = "---\nsummary: Paid orders\nrefs: []\n---\nBody\n";
        Result<WikiPage> page = WikiPage::parse(text);
        QVERIFY(page);
        const QByteArray out = page->serialize();
        QVERIFY(out.contains("refs: []\n"));
        QVERIFY(!out.contains("tags:"));
        QCOMPARE(out, text); // an already-canonical page is byte-identical
    }

    void quotesWhatYamlWouldMisread()
    {
        WikiPage page;
        page.key = QStringLiteral("odd");
        page.summary = QStringLiteral("yes: it is 12% \"quoted\"\nand two lines");
        page.tags = {QStringLiteral("true"), QStringLiteral("0012"), QStringLiteral("- dash"),
                     QStringLiteral("#hash")};
        page.source = QStringLiteral("null");
        page.body = QStringLiteral("Body\n");
        Result<WikiPage> back = WikiPage::parse(page.serialize());
        QVERIFY2(back, qPrintable(back ? QString() : back.error().toText()));
        QCOMPARE(back->summary, page.summary);
        QCOMPARE(back->tags, page.tags);
        QCOMPARE(back->source, page.source);
    }

    void errorsSayWhereAndWhat_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("words");
        QTest::newRow("no front-matter")
            << QByteArray("# Title\n") << 1 << QStringLiteral("must start");
        QTest::newRow("never closed")
            << QByteArray("---\nsummary: x\ntags: [a]\n") << 3 << QStringLiteral("never closed");
        QTest::newRow("no summary")
            << QByteArray("---\ntags: [a]\n---\nbody\n") << 2 << QStringLiteral("summary");
        QTest::newRow("empty summary")
            << QByteArray("---\ntags: [a]\nsummary: \"\"\n---\n") << 3 << QStringLiteral("summary");
        QTest::newRow("tags not a list") << QByteArray("---\nsummary: s\ntags:\n  a: b\n---\n") << 4
                                         << QStringLiteral("list of strings");
        QTest::newRow("bad usage_mode")
            << QByteArray("---\nsummary: s\nusage_mode: sometimes\n---\n") << 3
            << QStringLiteral("usage_mode");
        QTest::newRow("yaml syntax")
            << QByteArray("---\nsummary: s\ntags: [a, b\n---\n") << 0 << QString();
        QTest::newRow("duplicate key") << QByteArray("---\nsummary: s\nrefs: [a]\nrefs: [b]\n---\n")
                                       << 4 << QStringLiteral("`refs`");
    }
    void errorsSayWhereAndWhat()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, words);
        Result<WikiPage> page = WikiPage::parse(text, QStringLiteral("wiki/global/x.md"));
        QVERIFY(!page);
        QCOMPARE(page.error().file, QStringLiteral("wiki/global/x.md"));
        if (line > 0)
            QCOMPARE(page.error().line, line);
        else
            QVERIFY(page.error().line >= 2); // inside the front-matter, counted from the file's top
        if (!words.isEmpty())
            QVERIFY2(page.error().message.contains(words), qPrintable(page.error().message));
    }

    void crlfAndBomAreAccepted()
    {
        Result<WikiPage> page
            = WikiPage::parse("\xEF\xBB\xBF---\r\nsummary: Windows page\r\n---\r\nBody\r\n");
        QVERIFY2(page, qPrintable(page ? QString() : page.error().toText()));
        QCOMPARE(page->summary, QStringLiteral("Windows page"));
        QCOMPARE(page->body, QStringLiteral("Body\r\n"));
    }

    void scopedKeysAndPaths()
    {
        WikiPage page;
        page.key = QStringLiteral("revenue");
        QCOMPARE(page.scopedKey(), QStringLiteral("global/revenue"));
        QCOMPARE(page.relativePath(), QStringLiteral("wiki/global/revenue.md"));
        page.scope = WikiScope::User;
        page.userId = QStringLiteral("ana");
        QCOMPARE(page.scopedKey(), QStringLiteral("user/ana/revenue"));
        QCOMPARE(page.relativePath(), QStringLiteral("wiki/user/ana/revenue.md"));
        QCOMPARE(page.scopeName(), QStringLiteral("USER"));
    }
};

QTEST_GUILESS_MAIN(TestWikiPage)
#include "tst_wikipage.moc"
