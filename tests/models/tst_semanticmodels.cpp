// The models behind the semantic browser, the YAML editor's issue list, the
// query playground's pick lists and the result grids.
#include "models/queryresultmodel.h"
#include "models/semanticfieldmodel.h"
#include "models/semanticsourcemodel.h"
#include "models/sourceissuemodel.h"
#include "semantic/sourceloader.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace ktx;

namespace {

SemanticSource source(const QByteArray &yaml)
{
    const SourceLoader::Loaded loaded = SourceLoader::fromYaml(yaml, QStringLiteral("/p/x.yaml"));
    return *loaded.source;
}

QList<SemanticSource> fixture()
{
    return {source("name: orders\n"
                   "table: orders\n"
                   "grain: [order_id]\n"
                   "columns:\n"
                   "  - name: order_id\n"
                   "    type: number\n"
                   "  - name: customer_id\n"
                   "    type: number\n"
                   "  - name: ordered_at\n"
                   "    type: time\n"
                   "  - name: secret\n"
                   "    type: string\n"
                   "    visibility: hidden\n"
                   "joins:\n"
                   "  - to: customers\n"
                   "    \"on\": orders.customer_id = customers.customer_id\n"
                   "    relationship: many_to_one\n"
                   "measures:\n"
                   "  - name: order_count\n"
                   "    expr: COUNT(*)\n"
                   "    description: Orders placed.\n"
                   "segments:\n"
                   "  - name: paid\n"
                   "    expr: orders.status = 'paid'\n"),
            source("name: customers\n"
                   "table: customers\n"
                   "grain: [customer_id]\n"
                   "columns:\n"
                   "  - name: customer_id\n"
                   "    type: number\n"
                   "  - name: segment\n"
                   "    type: string\n")};
}

QStringList dump(const QAbstractItemModel &model, const QModelIndex &parent = {}, int depth = 0)
{
    QStringList lines;
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        lines << QString(QString(depth * 2, QLatin1Char(' ')) + i.data().toString()
                         + QLatin1Char('|') + model.index(r, 1, parent).data().toString());
        lines += dump(model, i, depth + 1);
    }
    return lines;
}

} // namespace

class TestSemanticModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sourceTree();
    void sourceTreeReplacesOneConnection();
    void sourceTreeRoles();
    void fieldModelKinds_data();
    void fieldModelKinds();
    void fieldModelChecksAndGranularity();
    void issueModelKeepsUnchangedRows();
    void resultModelFetchesInBatches();
    void resultModelFormatsValues();
};

void TestSemanticModels::sourceTree()
{
    SemanticSourceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConnection(QStringLiteral("warehouse"), fixture());
    // Sources sort by name; empty groups are listed so each source has the same shape.
    const QStringList expected = {
        QStringLiteral("warehouse|2 sources"),
        QStringLiteral("  customers|2 columns · 0 measures"),
        QStringLiteral("    Columns|2"),
        QStringLiteral("      customer_id|number"),
        QStringLiteral("      segment|string"),
        QStringLiteral("    Measures|0"),
        QStringLiteral("    Joins|0"),
        QStringLiteral("    Segments|0"),
        QStringLiteral("  orders|4 columns · 1 measure"),
        QStringLiteral("    Columns|4"),
        QStringLiteral("      order_id|number"),
        QStringLiteral("      customer_id|number"),
        QStringLiteral("      ordered_at|time"),
        QStringLiteral("      secret|string"),
        QStringLiteral("    Measures|1"),
        QStringLiteral("      order_count|COUNT(*)"),
        QStringLiteral("    Joins|1"),
        QStringLiteral("      customers|many_to_one"),
        QStringLiteral("    Segments|1"),
        QStringLiteral("      paid|orders.status = 'paid'"),
    };
    QCOMPARE(dump(model), expected);
    model.setConnection(QStringLiteral("analytics"), {fixture().at(1)});
    QCOMPARE(model.connectionIds(),
             (QStringList {QStringLiteral("analytics"), QStringLiteral("warehouse")}));
    model.removeConnection(QStringLiteral("analytics"));
    QCOMPARE(model.connectionIds(), QStringList {QStringLiteral("warehouse")});
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestSemanticModels::sourceTreeReplacesOneConnection()
{
    SemanticSourceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setConnection(QStringLiteral("a"), fixture());
    model.setConnection(QStringLiteral("b"), fixture());
    const QPersistentModelIndex other = model.connectionIndex(QStringLiteral("b"));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setConnection(QStringLiteral("a"), {fixture().at(0)});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(removed.first().at(0).toModelIndex(), model.connectionIndex(QStringLiteral("a")));
    QVERIFY(other.isValid());
    QCOMPARE(model.rowCount(model.connectionIndex(QStringLiteral("a"))), 1);
    QCOMPARE(model.rowCount(model.connectionIndex(QStringLiteral("b"))), 2);
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("1 source"));
}

void TestSemanticModels::sourceTreeRoles()
{
    SemanticSourceModel model;
    model.setConnection(QStringLiteral("w"), fixture());
    const QModelIndex orders = model.sourceIndex(QStringLiteral("w"), QStringLiteral("orders"));
    QVERIFY(orders.isValid());
    QCOMPARE(model.kind(orders), SemanticSourceModel::Kind::Source);
    QCOMPARE(model.source(orders)->table, QStringLiteral("orders"));
    const QModelIndex measure = model.index(0, 0, model.index(1, 0, orders));
    QCOMPARE(measure.data(SemanticSourceModel::KindRole).value<SemanticSourceModel::Kind>(),
             SemanticSourceModel::Kind::Measure);
    QCOMPARE(measure.data(SemanticSourceModel::NameRole).toString(), QStringLiteral("order_count"));
    QCOMPARE(measure.data(SemanticSourceModel::SourceNameRole).toString(),
             QStringLiteral("orders"));
    QCOMPARE(measure.data(SemanticSourceModel::ConnectionIdRole).toString(), QStringLiteral("w"));
    QCOMPARE(measure.data(SemanticSourceModel::DescriptionRole).toString(),
             QStringLiteral("Orders placed."));
    QCOMPARE(measure.data(SemanticSourceModel::FilePathRole).toString(),
             QStringLiteral("/p/x.yaml"));
    // The line of the measure's entry in its file, for the editor to jump to.
    QCOMPARE(measure.data(SemanticSourceModel::LineRole).toInt(), 19);
    const QModelIndex join = model.index(0, 0, model.index(2, 0, orders));
    QCOMPARE(join.data(SemanticSourceModel::ExpressionRole).toString(),
             QStringLiteral("orders.customer_id = customers.customer_id"));
    QCOMPARE(join.data(SemanticSourceModel::FilterRole).toString(), QStringLiteral("many_to_one"));
    const QHash<int, QByteArray> names = model.roleNames();
    QCOMPARE(names.value(SemanticSourceModel::LineRole), QByteArray("line"));
    QCOMPARE(names.value(SemanticSourceModel::KindRole), QByteArray("kind"));
    QVERIFY(!model.source(model.connectionIndex(QStringLiteral("w"))));
}

void TestSemanticModels::fieldModelKinds_data()
{
    QTest::addColumn<SemanticFieldModel::Kind>("kind");
    QTest::addColumn<QStringList>("names");
    QTest::addRow("measures") << SemanticFieldModel::Kind::Measures
                              << QStringList {QStringLiteral("orders.order_count")};
    // Hidden columns are not offered.
    QTest::addRow("dimensions") << SemanticFieldModel::Kind::Dimensions
                                << QStringList {QStringLiteral("customers.customer_id"),
                                                QStringLiteral("customers.segment"),
                                                QStringLiteral("orders.customer_id"),
                                                QStringLiteral("orders.order_id"),
                                                QStringLiteral("orders.ordered_at")};
    QTest::addRow("segments") << SemanticFieldModel::Kind::Segments
                              << QStringList {QStringLiteral("orders.paid")};
}

void TestSemanticModels::fieldModelKinds()
{
    QFETCH(SemanticFieldModel::Kind, kind);
    QFETCH(QStringList, names);
    SemanticFieldModel model(kind);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSources(fixture());
    QStringList got;
    for (int i = 0; i < model.rowCount(); ++i)
        got << model.index(i).data(SemanticFieldModel::QualifiedNameRole).toString();
    QCOMPARE(got, names);
}

void TestSemanticModels::fieldModelChecksAndGranularity()
{
    SemanticFieldModel model(SemanticFieldModel::Kind::Dimensions);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSources(fixture());
    QSignalSpy checked(&model, &SemanticFieldModel::checkedChanged);
    const QModelIndex ordered = model.index(model.rowOf(QStringLiteral("orders.ordered_at")));
    QVERIFY(ordered.data(SemanticFieldModel::IsTimeRole).toBool());
    QVERIFY(model.setData(ordered, Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(checked.count(), 1);
    QVERIFY(model.setGranularity(QStringLiteral("orders.ordered_at"), QStringLiteral("month")));
    QCOMPARE(checked.count(), 2);
    // Granularity is for time dimensions only, and only the known ones.
    QVERIFY(!model.setGranularity(QStringLiteral("orders.order_id"), QStringLiteral("month")));
    QVERIFY(
        !model.setGranularity(QStringLiteral("orders.ordered_at"), QStringLiteral("fortnight")));
    QVERIFY(model.setChecked(QStringLiteral("customers.segment"), true));
    const QList<QueryDimension> dims = model.checkedDimensions();
    QCOMPARE(dims.size(), 2);
    QCOMPARE(dims.at(0).field, QStringLiteral("customers.segment"));
    QCOMPARE(dims.at(1).field, QStringLiteral("orders.ordered_at"));
    QCOMPARE(dims.at(1).granularity, QStringLiteral("month"));
    QCOMPARE(ordered.data().toString(), QStringLiteral("orders.ordered_at by month"));
    // Reloading the sources keeps what is still there checked.
    model.setSources(fixture());
    QCOMPARE(
        model.checkedNames(),
        (QStringList {QStringLiteral("customers.segment"), QStringLiteral("orders.ordered_at")}));
    model.uncheckAll();
    QVERIFY(model.checkedNames().isEmpty());
}

void TestSemanticModels::issueModelKeepsUnchangedRows()
{
    SourceIssueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const SourceIssue a {SourceIssue::Severity::Error,
                         QStringLiteral("c1"),
                         QStringLiteral("bad key"),
                         QStringLiteral("f"),
                         3,
                         5,
                         {}};
    const SourceIssue b {SourceIssue::Severity::Warning,
                         QStringLiteral("c2"),
                         QStringLiteral("meh"),
                         QStringLiteral("f"),
                         9,
                         1,
                         {}};
    const SourceIssue c {SourceIssue::Severity::Error,
                         QStringLiteral("c3"),
                         QStringLiteral("worse"),
                         QStringLiteral("f"),
                         12,
                         2,
                         {}};
    model.setIssues({a, b});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.errorCount(), 1);
    QCOMPARE(model.index(0).data(SourceIssueModel::LineRole).toInt(), 3);
    QCOMPARE(model.index(0).data(SourceIssueModel::ColumnRole).toInt(), 5);
    QCOMPARE(model.index(1).data(SourceIssueModel::SeverityRole).toString(),
             QStringLiteral("warning"));
    QVERIFY(model.index(0).data().toString().contains(QStringLiteral("bad key")));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setIssues({a, c, b});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(changed.count(), 1); // row 1: b → c
    QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.index(2).data(SourceIssueModel::CodeRole).toString(), QStringLiteral("c2"));
    model.setIssues({a});
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 1);
    model.setIssues({});
    QCOMPARE(model.rowCount(), 0);
}

void TestSemanticModels::resultModelFetchesInBatches()
{
    QueryResultModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QueryResult result;
    result.columns = {QStringLiteral("n"), QStringLiteral("label")};
    const int total = 3 * QueryResultModel::BatchSize + 17;
    for (int i = 0; i < total; ++i)
        result.rows << QVariantList {i, QStringLiteral("row %1").arg(i)};
    QSignalSpy shown(&model, &QueryResultModel::rowsShownChanged);
    model.setResult(result);
    QCOMPARE(model.totalRowCount(), total);
    QCOMPARE(model.rowCount(), QueryResultModel::BatchSize);
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("label"));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    int batches = 0;
    while (model.canFetchMore({})) {
        model.fetchMore({});
        ++batches;
    }
    QCOMPARE(batches, 3);
    QCOMPARE(inserted.count(), 3);
    QCOMPARE(model.rowCount(), total);
    QCOMPARE(model.index(total - 1, 1).data().toString(), QStringLiteral("row %1").arg(total - 1));
    QCOMPARE(shown.last().at(0).toInt(), total);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.columnCount(), 0);
}

void TestSemanticModels::resultModelFormatsValues()
{
    QueryResultModel model;
    QueryResult result;
    result.columns = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")};
    result.rows << QVariantList {QVariant(), 12.5,
                                 QDateTime(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC)};
    model.setResult(result);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("NULL"));
    QVERIFY(model.index(0, 0).data(QueryResultModel::IsNullRole).toBool());
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("12.5"));
    QVERIFY(model.index(0, 1).data(Qt::TextAlignmentRole).value<Qt::Alignment>() & Qt::AlignRight);
    QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("2024-03-01T08:00:00Z"));
}

QTEST_GUILESS_MAIN(TestSemanticModels)
#include "tst_semanticmodels.moc"
