#include "project/yamldocument.h"
#include "project/yamleditor.h"

#include <QTest>

using namespace ktx;

namespace {

// A file as a person writes it: header comments, trailing comments, blank lines,
// quoted values, a flow list, a block literal, an anchor and odd spacing.
const QByteArray kHandWritten = R"(# Analytics context for the finance team.
# Owner: data-platform@example.com

connections:
  # Production replica, read-only role.
  warehouse:
    driver: postgres   # managed by infra
    url: env:WAREHOUSE_URL
    schemas: [analytics, finance]

llm:
  provider:
    backend: anthropic
    anthropic:
      api_key: "env:ANTHROPIC_API_KEY"
  models:
    default: claude-sonnet-4-6  # cheaper than opus

ingest:
  notes: |
    free text that looks: like a key
    # and a comment-looking line
  workUnits:
    stepBudget: 40

# Trailing comment block
# stays at the end.
)";

QList<QByteArray> linesOf(const QByteArray &text)
{
    return text.split('\n');
}

// Every line of `before` must appear in `after`, in order: nothing was lost or changed.
void verifyKeptInOrder(const QByteArray &before, const QByteArray &after)
{
    const QList<QByteArray> a = linesOf(before);
    const QList<QByteArray> b = linesOf(after);
    int j = 0;
    for (const QByteArray &line : a) {
        while (j < b.size() && b[j] != line)
            ++j;
        QVERIFY2(j < b.size(), QByteArray("line lost or changed: " + line).constData());
        ++j;
    }
}

} // namespace

class TestYamlEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesSpans()
    {
        auto doc = YamlDocument::parse(kHandWritten);
        QVERIFY(doc.ok());
        const YamlNode *driver = doc->at({"connections", "warehouse", "driver"});
        QVERIFY(driver);
        QCOMPARE(driver->text, QStringLiteral("postgres"));
        QCOMPARE(driver->start.line, 7);
        QCOMPARE(driver->start.column, 13);
        QCOMPARE(kHandWritten.mid(driver->start.offset, driver->end.offset - driver->start.offset),
                 QByteArray("postgres"));
        const YamlNode *notes = doc->at({"ingest", "notes"});
        QVERIFY(notes);
        QVERIFY(notes->text.contains(QStringLiteral("like a key")));
        QCOMPARE(doc->at({"connections", "warehouse", "schemas"})->items.size(), size_t(2));
    }

    void parseErrorHasLocation()
    {
        auto doc = YamlDocument::parse("a: 1\nb: [1, 2\nc: 3\n", QStringLiteral("ktx.yaml"));
        QVERIFY(!doc.ok());
        QVERIFY(doc.error().line >= 2);
        QCOMPARE(doc.error().file, QStringLiteral("ktx.yaml"));
        auto dup = YamlDocument::parse("a: 1\nb: 2\na: 3\n");
        QVERIFY(!dup.ok());
        QCOMPARE(dup.error().code, QStringLiteral("yaml_duplicate_key"));
        QCOMPARE(dup.error().line, 3);
    }

    void addConnectionKeepsEverything()
    {
        YamlEditor editor(kHandWritten);
        const YamlValue sqlite = YamlValue::mapping()
                                     .insert("driver", YamlValue::string("sqlite"))
                                     .insert("path", YamlValue::string("data/shop.sqlite"));
        QVERIFY(editor.set({"connections", "local"}, sqlite).ok());
        const QByteArray after = editor.text();
        verifyKeptInOrder(kHandWritten, after);
        QVERIFY2(after.contains("    schemas: [analytics, finance]\n  local:\n    driver: sqlite\n "
                                "   path: data/shop.sqlite\n\nllm:"),
                 after.constData());
        // exactly three lines were added
        QCOMPARE(linesOf(after).size(), linesOf(kHandWritten).size() + 3);
    }

    void changeScalarTouchesOnlyIt()
    {
        YamlEditor editor(kHandWritten);
        QVERIFY(
            editor.set({"connections", "warehouse", "driver"}, YamlValue::string("mysql")).ok());
        QByteArray expected = kHandWritten;
        expected.replace("driver: postgres   # managed by infra",
                         "driver: mysql   # managed by infra");
        QCOMPARE(editor.text(), expected);

        // quoting style of the original value is kept
        QVERIFY(editor
                    .set({"llm", "provider", "anthropic", "api_key"},
                         YamlValue::string("env:CLAUDE_KEY"))
                    .ok());
        QVERIFY(editor.text().contains("      api_key: \"env:CLAUDE_KEY\"\n"));
    }

    void createsMissingParents()
    {
        YamlEditor editor(kHandWritten);
        QVERIFY(editor.set({"review", "mode"}, YamlValue::string("review")).ok());
        QVERIFY(editor.set({"llm", "promptCaching", "enabled"}, YamlValue::boolean(true)).ok());
        verifyKeptInOrder(kHandWritten, editor.text());
        auto doc = YamlDocument::parse(editor.text());
        QVERIFY(doc.ok());
        QCOMPARE(doc->at({"review", "mode"})->text, QStringLiteral("review"));
        QCOMPARE(doc->at({"llm", "promptCaching", "enabled"})->text, QStringLiteral("true"));
        QVERIFY2(editor.text().contains("default: claude-sonnet-4-6  # cheaper than opus\n  "
                                        "promptCaching:\n    enabled: true\n"),
                 editor.text().constData());
    }

    void mergesMappings()
    {
        YamlEditor editor(kHandWritten);
        const YamlValue provider
            = YamlValue::mapping()
                  .insert("backend", YamlValue::string("vertex"))
                  .insert("vertex",
                          YamlValue::mapping()
                              .insert("project", YamlValue::string("acme"))
                              .insert("location", YamlValue::string("us-east5")));
        QVERIFY(editor.set({"llm", "provider"}, provider).ok());
        auto doc = YamlDocument::parse(editor.text());
        QVERIFY(doc.ok());
        QCOMPARE(doc->at({"llm", "provider", "backend"})->text, QStringLiteral("vertex"));
        QCOMPARE(doc->at({"llm", "provider", "vertex", "location"})->text,
                 QStringLiteral("us-east5"));
        // the anthropic block was not dropped by the merge
        QVERIFY(doc->at({"llm", "provider", "anthropic", "api_key"}));
    }

    void emptyFlowMappingBecomesBlock()
    {
        const QByteArray text
            = "# fresh\nconnections: {}\n\nllm:\n  provider:\n    backend: none\n";
        YamlEditor editor(text);
        QVERIFY(editor
                    .set({"connections", "warehouse"},
                         YamlValue::mapping()
                             .insert("driver", YamlValue::string("sqlite"))
                             .insert("path", YamlValue::string("a b.db")))
                    .ok());
        QCOMPARE(editor.text(),
                 QByteArray("# fresh\nconnections:\n  warehouse:\n    driver: sqlite\n    path: a "
                            "b.db\n\nllm:\n  provider:\n    backend: none\n"));
    }

    void followsIndentationAndSequenceStyle()
    {
        const QByteArray text = "connections:\n    main:\n        driver: postgres\n        "
                                "schemas:\n        - public\n";
        YamlEditor editor(text);
        QVERIFY(editor
                    .set({"connections", "other"},
                         YamlValue::mapping()
                             .insert("driver", YamlValue::string("mysql"))
                             .insert("schemas", YamlValue::stringList({"shop", "crm"})))
                    .ok());
        QCOMPARE(editor.text(),
                 text
                     + QByteArray("    other:\n        driver: mysql\n        schemas:\n        - "
                                  "shop\n        - crm\n"));
    }

    void nonMappingParentIsRefused()
    {
        const QByteArray text = "connections: not-a-map # oops\n";
        YamlEditor editor(text);
        QVERIFY(!editor.set({"connections", "x", "driver"}, YamlValue::string("sqlite")).ok());
        QCOMPARE(editor.text(), text); // unchanged
    }

    void quotesWhatNeedsQuoting_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("rendered");
        QTest::newRow("plain") << "data/shop.sqlite" << QByteArray("data/shop.sqlite");
        QTest::newRow("env ref") << "env:DATABASE_URL" << QByteArray("env:DATABASE_URL");
        QTest::newRow("looks like bool") << "yes" << QByteArray("\"yes\"");
        QTest::newRow("looks like number") << "1.5" << QByteArray("\"1.5\"");
        QTest::newRow("colon space") << "a: b" << QByteArray("\"a: b\"");
        QTest::newRow("hash") << "x #y" << QByteArray("\"x #y\"");
        QTest::newRow("leading dash") << "-x" << QByteArray("\"-x\"");
        QTest::newRow("quote inside") << "say \"hi\"" << QByteArray("say \"hi\"");
        QTest::newRow("leading quote") << "\"hi\" there" << QByteArray("\"\\\"hi\\\" there\"");
        QTest::newRow("empty") << "" << QByteArray("\"\"");
    }
    void quotesWhatNeedsQuoting()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, rendered);
        YamlEditor editor("a: 1\n");
        QVERIFY(editor.set({"b"}, YamlValue::string(value)).ok());
        QCOMPARE(editor.text(), QByteArray("a: 1\nb: ") + rendered + "\n");
        auto doc = YamlDocument::parse(editor.text());
        QCOMPARE(doc->at({"b"})->text, value);
    }

    void removeKeepsNeighbours()
    {
        YamlEditor editor(kHandWritten);
        QVERIFY(editor
                    .set({"connections", "local"},
                         YamlValue::mapping().insert("driver", YamlValue::string("sqlite")))
                    .ok());
        QVERIFY(editor.remove({"connections", "local"}).ok());
        QCOMPARE(editor.text(), kHandWritten);
        QVERIFY(editor.remove({"does", "not", "exist"}).ok());
        QCOMPARE(editor.text(), kHandWritten);
        // removing the last connection leaves an explicit empty mapping
        QVERIFY(editor.remove({"connections", "warehouse"}).ok());
        auto doc = YamlDocument::parse(editor.text());
        QVERIFY(doc.ok());
        QVERIFY(doc->at({"connections"})->isMapping());
        QVERIFY(doc->at({"connections"})->entries.empty());
        QVERIFY(editor.text().startsWith("# Analytics context for the finance team.\n"));
    }

    void emptyDocument()
    {
        YamlEditor editor("");
        QVERIFY(editor.set({"connections", "w", "driver"}, YamlValue::string("sqlite")).ok());
        QCOMPARE(editor.text(), QByteArray("connections:\n  w:\n    driver: sqlite\n"));
        YamlEditor commentsOnly("# only a comment\n");
        QVERIFY(commentsOnly.set({"llm", "provider", "backend"}, YamlValue::string("none")).ok());
        QCOMPARE(commentsOnly.text(),
                 QByteArray("# only a comment\nllm:\n  provider:\n    backend: none\n"));
    }
};

QTEST_GUILESS_MAIN(TestYamlEditor)
#include "tst_yamleditor.moc"
