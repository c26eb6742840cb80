// Source YAML: strict keys and enums with file:line:column, overlays composed
// onto the _schema/ manifest, duplicate names across files, file naming.
#include "semantic/sourcefilename.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

const char *kOrders = "name: orders\n"
                      "table: public.orders\n"
                      "grain: [id]\n"
                      "columns:\n"
                      "  - name: id\n"
                      "    type: number\n"
                      "  - name: customer_id\n"
                      "    type: number\n"
                      "joins:\n"
                      "  - to: customers\n"
                      "    \"on\": customer_id = customers.id\n"
                      "    relationship: many_to_one\n";

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

} // namespace

class TestSourceLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rejectsWithLocation_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("unknown key") << QByteArray("name: a\ntable: t\ngrain: [id]\ncolumns:\n  - "
                                                   "name: id\n    type: number\ncolour: red\n")
                                     << "sl_unknown_key" << 7 << 1;
        QTest::newRow("bad type") << QByteArray(
            "name: a\ntable: t\ngrain: [id]\ncolumns:\n  - name: id\n    type: integer\n")
                                  << "sl_invalid_enum" << 6 << 11;
        QTest::newRow("table and sql")
            << QByteArray("name: a\ntable: t\nsql: select 1\ngrain: [id]\ncolumns:\n  - name: id\n "
                          "   type: number\n")
            << "sl_table_and_sql" << 3 << 1;
        QTest::newRow("grain not a column") << QByteArray(
            "name: a\ntable: t\ngrain: [nope]\ncolumns:\n  - name: id\n    type: number\n")
                                            << "sl_invalid_grain" << 3 << 9;
        QTest::newRow("bad relationship") << QByteArray(
            "name: a\ntable: t\ngrain: [id]\ncolumns:\n  - name: id\n    type: number\njoins:\n  - "
            "to: b\n    \"on\": id = b.id\n    relationship: many\n")
                                          << "sl_invalid_enum" << 10 << 19;
        QTest::newRow("missing expr")
            << QByteArray("name: a\ntable: t\ngrain: [id]\ncolumns:\n  - name: id\n    type: "
                          "number\nmeasures:\n  - name: m\n")
            << "sl_missing_key" << 8 << 5;
        QTest::newRow("duplicate measure") << QByteArray(
            "name: a\ntable: t\ngrain: [id]\ncolumns:\n  - name: id\n    type: number\nmeasures:\n "
            " - name: m\n    expr: count(*)\n  - name: m\n    expr: sum(id)\n")
                                           << "sl_duplicate_name" << 10 << 5;
    }
    void rejectsWithLocation()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, code);
        QFETCH(int, line);
        QFETCH(int, column);
        const SourceLoader::Loaded l = SourceLoader::fromYaml(yaml, QStringLiteral("a.yaml"));
        QVERIFY(!l.source);
        QVERIFY(!l.issues.isEmpty());
        const SourceIssue &i = l.issues.first();
        QCOMPARE(i.code, code);
        QCOMPARE(i.line, line);
        QCOMPARE(i.column, column);
        QVERIFY(
            i.toText().startsWith(QStringLiteral("a.yaml:%1:%2: error: ").arg(line).arg(column)));
    }

    void loadsStandalone()
    {
        const SourceLoader::Loaded l
            = SourceLoader::fromYaml(kOrders, QStringLiteral("orders.yaml"));
        QVERIFY(l.issues.isEmpty());
        QVERIFY(l.source);
        QCOMPARE(l.source->joins.first().relationship, QStringLiteral("many_to_one"));
        // Alone, the join points nowhere: the set validator says so.
        const QList<SourceIssue> issues = SourceValidator::validate({*l.source});
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().code, QStringLiteral("sl_orphan_join"));
        QCOMPARE(issues.first().line, 10);
    }

    void composesOverlaysAndFindsDuplicates()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("_schema/public.yaml")),
              "tables:\n  customers:\n    table: public.customers\n    columns:\n"
              "      - name: id\n        type: number\n      - name: tier\n        type: string\n"
              "      - name: secret\n        type: string\n");
        write(dir.filePath(QStringLiteral("customers.yaml")),
              "name: customers\ngrain: [id]\nexclude_columns: [secret]\ncolumns:\n"
              "  - name: tier_upper\n    type: string\n    expr: upper(tier)\n"
              "measures:\n  - name: n\n    expr: count(*)\n");
        write(dir.filePath(QStringLiteral("orders.yaml")), kOrders);
        write(dir.filePath(QStringLiteral("nested/orders_copy.yaml")), kOrders);
        const SourceLoader::SourceSet set = SourceLoader::loadDirectory(dir.path());
        const SemanticSource *c = set.find(QStringLiteral("customers"));
        QVERIFY(c);
        QCOMPARE(c->table, QStringLiteral("public.customers"));
        QVERIFY(c->column(QStringLiteral("tier")));
        QVERIFY(c->column(QStringLiteral("tier_upper")));
        QVERIFY(!c->column(QStringLiteral("secret")));
        QVERIFY(!set.find(QStringLiteral("orders"))); // declared twice: neither is used
        QCOMPARE(set.errorCount(), 2);
        QCOMPARE(set.issues.first().code, QStringLiteral("sl_duplicate_source"));
    }

    void fileNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("file");
        QTest::newRow("simple") << "orders"
                                << "orders.yaml";
        QTest::newRow("upper case") << "SIGNED_UP"
                                    << "signed_up-"
                + QString::fromLatin1(QCryptographicHash::hash("SIGNED_UP",
                                                               QCryptographicHash::Sha256)
                                          .toHex()
                                          .left(8))
                + ".yaml";
        QTest::newRow("windows device")
            << "con"
            << "con-"
                + QString::fromLatin1(
                    QCryptographicHash::hash("con", QCryptographicHash::Sha256).toHex().left(8))
                + ".yaml";
    }
    void fileNames()
    {
        QFETCH(QString, name);
        QFETCH(QString, file);
        QCOMPARE(SourceFileName::forSource(name), file);
    }
};

QTEST_GUILESS_MAIN(TestSourceLoader)
#include "tst_sourceloader.moc"
