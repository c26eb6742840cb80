#include "models/schematreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace ktx;

namespace {

SchemaColumn column(const QString &name, const QString &type, bool pk = false)
{
    SchemaColumn c;
    c.name = name;
    c.nativeType = type;
    c.dimensionType
        = type == QLatin1String("TEXT") ? QStringLiteral("string") : QStringLiteral("number");
    c.primaryKey = pk;
    c.nullable = !pk;
    return c;
}

QList<SchemaTable> fixture()
{
    SchemaTable customers;
    customers.ref = TableRef {{}, QStringLiteral("main"), QStringLiteral("customers")};
    customers.exactRows = 3;
    customers.columns = {column(QStringLiteral("id"), QStringLiteral("INTEGER"), true),
                         column(QStringLiteral("name"), QStringLiteral("TEXT"))};
    SchemaTable orders;
    orders.ref = TableRef {{}, QStringLiteral("main"), QStringLiteral("orders")};
    orders.columns = {column(QStringLiteral("id"), QStringLiteral("INTEGER"), true),
                      column(QStringLiteral("customer_id"), QStringLiteral("INTEGER")),
                      column(QStringLiteral("note"), QStringLiteral("TEXT"))};
    orders.columns[2].comment = QStringLiteral("free text");
    return {customers, orders};
}

} // namespace

class TestSchemaTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tablesAndColumns();
    void profileUpdatesOnlyItsTable();
    void unknownProfileIsIgnored();
};

void TestSchemaTreeModel::tablesAndColumns()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setTables(fixture());
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex customers = model.index(0, 0);
    const QModelIndex orders = model.index(1, 0);
    QCOMPARE(customers.data().toString(), QStringLiteral("customers"));
    QCOMPARE(model.rowCount(customers), 2);
    QCOMPARE(model.rowCount(orders), 3);
    QCOMPARE(model.rowCount(model.index(0, 0, orders)), 0); // columns have no children
    QCOMPARE(model.index(0, SchemaTreeModel::TypeColumn).data().toString(),
             QStringLiteral("table · 3 rows"));
    const QModelIndex id = model.index(0, SchemaTreeModel::NameColumn, orders);
    QCOMPARE(id.data().toString(), QStringLiteral("id"));
    QCOMPARE(id.parent(), orders);
    QCOMPARE(id.data(SchemaTreeModel::PrimaryKeyRole).toBool(), true);
    QCOMPARE(model.index(0, SchemaTreeModel::KeyColumn, orders).data().toString(),
             QStringLiteral("PK"));
    QCOMPARE(model.index(2, SchemaTreeModel::CommentColumn, orders).data().toString(),
             QStringLiteral("free text"));
    QCOMPARE(model.index(1, SchemaTreeModel::NullableColumn, orders).data().toString(),
             QStringLiteral("null"));
    QCOMPARE(model.tableAt(id)->ref.name, QStringLiteral("orders"));
    QVERIFY(!model.isProfiled(id));
    QVERIFY(model.index(0, SchemaTreeModel::NullRateColumn, orders).data().isNull());
    QVERIFY(model.roleNames().values().contains("nullRate"));
}

void TestSchemaTreeModel::profileUpdatesOnlyItsTable()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTables(fixture());
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    TableProfile profile;
    profile.table = TableRef {{}, QStringLiteral("main"), QStringLiteral("orders")};
    profile.sampledRows = 4;
    ColumnProfile customerId;
    customerId.name = QStringLiteral("customer_id");
    customerId.sampledRows = 4;
    customerId.nullCount = 1;
    customerId.distinctCount = 3;
    customerId.minValue = 1;
    customerId.maxValue = 7;
    customerId.topValues = {{QStringLiteral("7"), 2}, {QStringLiteral("1"), 1}};
    profile.columns << customerId;
    model.setProfile(profile);

    QCOMPARE(reset.count(), 0); // a profile is a value change, not a new dataset
    QVERIFY(changed.count() >= 1);
    const QModelIndex orders = model.index(1, 0);
    bool touchedCustomers = false;
    for (const QList<QVariant> &args : changed) {
        const QModelIndex topLeft = args.at(0).toModelIndex();
        if (topLeft.parent() == model.index(0, 0) || topLeft == model.index(0, 0))
            touchedCustomers = true;
    }
    QVERIFY(!touchedCustomers);

    const QModelIndex cid = model.index(1, 0, orders);
    QVERIFY(model.isProfiled(cid));
    QCOMPARE(cid.data(SchemaTreeModel::NullRateRole).toDouble(), 0.25);
    QCOMPARE(cid.data(SchemaTreeModel::DistinctCountRole).toLongLong(), 3);
    QCOMPARE(cid.data(SchemaTreeModel::UniquenessRole).toDouble(), 1.0);
    QCOMPARE(model.index(1, SchemaTreeModel::MinColumn, orders).data().toString(),
             QStringLiteral("1"));
    QCOMPARE(model.index(1, SchemaTreeModel::MaxColumn, orders).data().toString(),
             QStringLiteral("7"));
    QCOMPARE(model.index(1, SchemaTreeModel::TopValuesColumn, orders).data().toString(),
             QStringLiteral("7, 1"));
    // A column missing from the sample stays unprofiled.
    QVERIFY(!model.isProfiled(model.index(2, 0, orders)));
    QVERIFY(!model.isProfiled(model.index(0, 0, model.index(0, 0))));
}

void TestSchemaTreeModel::unknownProfileIsIgnored()
{
    SchemaTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTables(fixture());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    TableProfile profile;
    profile.table = TableRef {{}, QStringLiteral("main"), QStringLiteral("elsewhere")};
    model.setProfile(profile);
    QCOMPARE(changed.count(), 0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestSchemaTreeModel)
#include "tst_schematreemodel.moc"
