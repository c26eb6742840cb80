// wiki_search, wiki_read, discover_data and dictionary_search called the way
// agents call them: through ToolSet::call, with good and bad arguments.
// (No raw string literals here: moc misparses them.)
#include "ktxtools/discoverytools.h"
#include "ktxtools/wikitools.h"
#include "tools/jsonschemacheck.h"
#include "tools/toolset.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QJsonObject args(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

} // namespace

class TestSearchTools : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    ToolSet m_tools;

    // Calls a tool and checks the result against its declared output schema and
    // that the text is the same JSON.
    QJsonObject ok(const QString &name, const QJsonObject &arguments)
    {
        const ToolOutput out = m_tools.call(name, arguments, {});
        if (out.isError) {
            qWarning("%s", qPrintable(out.text));
            return {};
        }
        const QJsonObject structured = out.structured.toObject();
        const QStringList problems
            = JsonSchemaCheck::problems(m_tools.find(name)->outputSchema, structured);
        if (!problems.isEmpty()) {
            qWarning("%s", qPrintable(problems.join(QLatin1Char('\n'))));
            return {};
        }
        if (QJsonDocument::fromJson(out.text.toUtf8()).object() != structured) {
            qWarning("text and structured output differ");
            return {};
        }
        return structured;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString project = m_tmp.path();
        writeFile(project + QStringLiteral("/ktx.yaml"),
                  "connections:\n  warehouse:\n    driver: sqlite\n    path: w.db\n");
        writeFile(
            project + QStringLiteral("/wiki/global/revenue.md"),
            "---\nsummary: Paid order value after refunds\ntags: [finance]\nrefs: [refunds]\n"
            "sl_refs: [warehouse.orders]\n---\nRevenue is paid order amount; see [[refunds]].\n");
        writeFile(project + QStringLiteral("/wiki/global/refunds.md"),
                  "---\nsummary: How refunds are booked\n---\nRefunds reduce revenue.\n");
        writeFile(project + QStringLiteral("/wiki/user/local/revenue-notes.md"),
                  "---\nsummary: My revenue notes\n---\nPersonal revenue notes.\n");
        writeFile(project + QStringLiteral("/wiki/user/bob/secret.md"),
                  "---\nsummary: Bob's revenue secret\n---\nOnly bob.\n");
        writeFile(project + QStringLiteral("/semantic-layer/warehouse/orders.yaml"),
                  "name: orders\ndescription: Orders placed in the shop\ntable: main.orders\n"
                  "grain: [order_id]\ncolumns:\n  - name: order_id\n    type: number\n"
                  "  - name: status\n    type: string\nmeasures:\n  - name: total_revenue\n"
                  "    expr: sum(amount)\n    description: Revenue of paid orders\n");
        const QString sync
            = project + QStringLiteral("/raw-sources/warehouse/live-database/2026-01-01-000000-j1");
        writeFile(sync + QStringLiteral("/connection.json"),
                  "{\"connectionId\":\"warehouse\",\"extractedAt\":\"2026-01-01T00:00:00.000Z\"}");
        writeFile(sync + QStringLiteral("/tables/bWFpbg.b3JkZXJz.json"),
                  "{\n"
                  "            \"catalog\": null, \"db\": \"main\", \"name\": \"orders\", "
                  "\"kind\": \"table\",\n"
                  "            \"comment\": \"Shop orders\", \"columns\": [\n"
                  "              {\"name\": \"status\", \"nativeType\": \"text\", "
                  "\"normalizedType\": \"string\",\n"
                  "               \"dimensionType\": \"string\", \"nullable\": true, "
                  "\"primaryKey\": false, \"comment\": null}],\n"
                  "            \"foreignKeys\": [],\n"
                  "            \"profile\": {\"sampledRows\": 100, \"columns\": [\n"
                  "              {\"name\": \"status\", \"dimensionType\": \"string\", "
                  "\"distinctCount\": 2,\n"
                  "               \"topValues\": [{\"value\": \"shipped\", \"count\": 60}, "
                  "{\"value\": \"returned\", \"count\": 40}]}]}\n"
                  "        }");

        auto context = std::make_shared<KtxToolContext>();
        context->projectDir = project;
        ConnectionConfig warehouse;
        warehouse.id = QStringLiteral("warehouse");
        warehouse.driver = QStringLiteral("sqlite");
        context->config.connections << warehouse;
        ConnectionConfig unscanned;
        unscanned.id = QStringLiteral("analytics");
        unscanned.driver = QStringLiteral("postgres");
        context->config.connections << unscanned;
        m_tools.add(makeWikiSearchTool(context));
        m_tools.add(makeWikiReadTool(context));
        m_tools.add(makeDiscoverDataTool(context));
        m_tools.add(makeDictionarySearchTool(context));
    }

    void namesAndAnnotations()
    {
        QCOMPARE(
            m_tools.names(),
            (QStringList {QStringLiteral("wiki_search"), QStringLiteral("wiki_read"),
                          QStringLiteral("discover_data"), QStringLiteral("dictionary_search")}));
        for (const AgentTool &tool : m_tools.tools()) {
            QVERIFY(tool.annotations.readOnly);
            QVERIFY(!tool.annotations.destructive);
            QVERIFY(!tool.annotations.openWorld);
            QCOMPARE(tool.annotations.idempotent, tool.name == QLatin1String("wiki_read"));
        }
    }

    void wikiSearch()
    {
        const QJsonObject out
            = ok(QStringLiteral("wiki_search"), args("{\"query\": \"revenue\", \"limit\": 5}"));
        QVERIFY(!out.isEmpty());
        const QJsonArray results = out.value(QStringLiteral("results")).toArray();
        QStringList keys;
        for (const QJsonValue &r : results)
            keys << r.toObject().value(QStringLiteral("key")).toString();
        QVERIFY(keys.contains(QStringLiteral("global/revenue")));
        QVERIFY(keys.contains(QStringLiteral("user/local/revenue-notes")));
        QVERIFY(!keys.contains(QStringLiteral("user/bob/secret"))); // another user's page
        QCOMPARE(out.value(QStringLiteral("totalFound")).toInt(), results.size());
        const QJsonObject first = results.first().toObject();
        QCOMPARE(first.value(QStringLiteral("lanes")).toArray().size(), 3);
        QVERIFY(!first.value(QStringLiteral("matchReasons")).toArray().isEmpty());
    }

    void wikiRead()
    {
        QJsonObject out = ok(QStringLiteral("wiki_read"), args("{\"key\": \"global/revenue\"}"));
        QCOMPARE(out.value(QStringLiteral("key")).toString(), QStringLiteral("global/revenue"));
        QCOMPARE(out.value(QStringLiteral("scope")).toString(), QStringLiteral("GLOBAL"));
        QCOMPARE(out.value(QStringLiteral("summary")).toString(),
                 QStringLiteral("Paid order value after refunds"));
        QVERIFY(out.value(QStringLiteral("content"))
                    .toString()
                    .startsWith(QLatin1String("Revenue is")));
        QCOMPARE(out.value(QStringLiteral("refs")).toArray(),
                 QJsonArray {QStringLiteral("refunds")});
        QCOMPARE(out.value(QStringLiteral("slRefs")).toArray(),
                 QJsonArray {QStringLiteral("warehouse.orders")});
        QVERIFY(!ok(QStringLiteral("wiki_read"), args("{\"key\": \"refunds\"}")).isEmpty());
        out = ok(QStringLiteral("wiki_read"), args("{\"key\": \"user/local/revenue-notes\"}"));
        QCOMPARE(out.value(QStringLiteral("scope")).toString(), QStringLiteral("USER"));
        QVERIFY(!out.contains(QStringLiteral("tags")));
    }

    void wikiReadErrors_data()
    {
        QTest::addColumn<QString>("arguments");
        QTest::addColumn<QString>("words");
        QTest::newRow("missing key") << "{}"
                                     << "key";
        QTest::newRow("empty key") << "{\"key\": \"\"}"
                                   << "key";
        QTest::newRow("number") << "{\"key\": 7}"
                                << "key";
        QTest::newRow("unknown page") << "{\"key\": \"global/revenu\"}"
                                      << "global/revenue";
        QTest::newRow("traversal") << "{\"key\": \"global/../ktx\"}"
                                   << "not a wiki key";
        QTest::newRow("other user's page") << "{\"key\": \"user/bob/secret\"}"
                                           << "No wiki page";
        QTest::newRow("bare unknown") << "{\"key\": \"refund\"}"
                                      << "refunds";
    }
    void wikiReadErrors()
    {
        QFETCH(QString, arguments);
        QFETCH(QString, words);
        const ToolOutput out
            = m_tools.call(QStringLiteral("wiki_read"), args(arguments.toUtf8().constData()), {});
        QVERIFY(out.isError);
        QVERIFY2(out.text.contains(words), qPrintable(out.text));
    }

    void discoverData()
    {
        QJsonObject out
            = ok(QStringLiteral("discover_data"), args("{\"query\": \"revenue orders\"}"));
        QVERIFY(!out.isEmpty());
        QSet<QString> kinds;
        for (const QJsonValue &r : out.value(QStringLiteral("refs")).toArray())
            kinds.insert(r.toObject().value(QStringLiteral("kind")).toString());
        QVERIFY(kinds.contains(QStringLiteral("wiki")));
        QVERIFY(kinds.contains(QStringLiteral("sl_source")));
        QVERIFY(kinds.contains(QStringLiteral("sl_measure")));

        out = ok(QStringLiteral("discover_data"),
                 args("{\"query\": \"shipped\", \"kinds\": [\"column\"], \"connectionId\": "
                      "\"warehouse\"}"));
        const QJsonArray refs = out.value(QStringLiteral("refs")).toArray();
        QCOMPARE(refs.size(), 1);
        const QJsonObject column = refs.first().toObject();
        QCOMPARE(column.value(QStringLiteral("id")).toString(), QStringLiteral("orders.status"));
        QCOMPARE(column.value(QStringLiteral("matchedOn")).toString(),
                 QStringLiteral("sample_value"));
        QCOMPARE(column.value(QStringLiteral("columnName")).toString(), QStringLiteral("status"));
        QCOMPARE(column.value(QStringLiteral("tableRef"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("orders"));
        QVERIFY(column.value(QStringLiteral("summary")).isNull());

        out = ok(QStringLiteral("discover_data"),
                 args("{\"query\": \"refunds\", \"kinds\": [\"wiki\"], \"limit\": 1}"));
        QCOMPARE(out.value(QStringLiteral("refs")).toArray().size(), 1);
        QCOMPARE(out.value(QStringLiteral("refs"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 QStringLiteral("global/refunds"));
        // No hit is still a valid answer.
        out = ok(QStringLiteral("discover_data"), args("{\"query\": \"\\\"*(-:\"}"));
        QVERIFY(out.value(QStringLiteral("refs")).toArray().isEmpty());
    }

    void badArgumentsAreRefused_data()
    {
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("arguments");
        QTest::newRow("search no query") << "wiki_search"
                                         << "{\"limit\": 3}";
        QTest::newRow("search empty query") << "wiki_search"
                                            << "{\"query\": \"\"}";
        QTest::newRow("search limit 0") << "wiki_search"
                                        << "{\"query\": \"x\", \"limit\": 0}";
        QTest::newRow("search limit 51") << "wiki_search"
                                         << "{\"query\": \"x\", \"limit\": 51}";
        QTest::newRow("search limit text") << "wiki_search"
                                           << "{\"query\": \"x\", \"limit\": \"5\"}";
        QTest::newRow("discover bad kind") << "discover_data"
                                           << "{\"query\": \"x\", \"kinds\": [\"view\"]}";
        QTest::newRow("discover kinds string") << "discover_data"
                                               << "{\"query\": \"x\", \"kinds\": \"wiki\"}";
        QTest::newRow("discover empty connection") << "discover_data"
                                                   << "{\"query\": \"x\", \"connectionId\": \"\"}";
        QTest::newRow("dictionary no values") << "dictionary_search"
                                              << "{}";
        QTest::newRow("dictionary empty list") << "dictionary_search"
                                               << "{\"values\": []}";
        QTest::newRow("dictionary empty value") << "dictionary_search"
                                                << "{\"values\": [\"\"]}";
        QTest::newRow("dictionary 21 values")
            << "dictionary_search"
            << "{\"values\": "
               "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\","
               "\"n\",\"o\",\"p\",\"q\",\"r\",\"s\",\"t\",\"u\"]}";
        QTest::newRow("dictionary number") << "dictionary_search"
                                           << "{\"values\": [3]}";
    }
    void badArgumentsAreRefused()
    {
        QFETCH(QString, tool);
        QFETCH(QString, arguments);
        const ToolOutput out = m_tools.call(tool, args(arguments.toUtf8().constData()), {});
        QVERIFY(out.isError);
        QVERIFY(!out.text.isEmpty());
    }

    void dictionarySearch()
    {
        QJsonObject out = ok(QStringLiteral("dictionary_search"),
                             args("{\"values\": [\"Shipped\", \"lost\"]}"));
        QVERIFY(!out.isEmpty());
        const QJsonArray searched = out.value(QStringLiteral("searched")).toArray();
        QCOMPARE(searched.size(), 2); // every warehouse of ktx.yaml, scanned or not
        QCOMPARE(searched.at(0).toObject().value(QStringLiteral("connectionId")).toString(),
                 QStringLiteral("analytics"));
        QCOMPARE(searched.at(0).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("no_profile_artifact"));
        QCOMPARE(searched.at(1).toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("ready"));
        const QJsonArray results = out.value(QStringLiteral("results")).toArray();
        const QJsonObject shipped = results.at(0).toObject();
        const QJsonObject match
            = shipped.value(QStringLiteral("matches")).toArray().first().toObject();
        QCOMPARE(match.value(QStringLiteral("sourceName")).toString(), QStringLiteral("orders"));
        QCOMPARE(match.value(QStringLiteral("columnName")).toString(), QStringLiteral("status"));
        QCOMPARE(match.value(QStringLiteral("matchedValue")).toString(), QStringLiteral("shipped"));
        QCOMPARE(match.value(QStringLiteral("cardinality")).toInt(), 2);
        const QJsonArray lostMisses
            = results.at(1).toObject().value(QStringLiteral("misses")).toArray();
        QCOMPARE(lostMisses.size(), 2);
        QCOMPARE(lostMisses.at(1).toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("value_not_in_sample"));

        out = ok(QStringLiteral("dictionary_search"),
                 args("{\"values\": [\"returned\"], \"connectionId\": \"warehouse\"}"));
        QCOMPARE(out.value(QStringLiteral("searched")).toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSearchTools)
#include "tst_searchtools.moc"
