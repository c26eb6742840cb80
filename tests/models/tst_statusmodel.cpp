#include "models/statusmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace ktx;

namespace {

ReadinessLine line(const QString &id, ReadinessState state = ReadinessState::Ok,
                   const QString &value = QStringLiteral("yes"))
{
    ReadinessLine l;
    l.id = id;
    l.label = id + QStringLiteral(" ready");
    l.state = state;
    l.value = value;
    l.detail = QStringLiteral("Detail for ") + id;
    l.setupStep = id;
    return l;
}

StatusReport reportWith(const QStringList &ids)
{
    StatusReport report;
    report.projectFound = true;
    report.projectDir = QStringLiteral("/tmp/project");
    report.projectName = QStringLiteral("project");
    report.verdict = Verdict::Partial;
    report.verdictReason = QStringLiteral("Some lines are not ready.");
    for (const QString &id : ids)
        report.lines.append(line(id));
    return report;
}

QStringList idsOf(const StatusModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids.append(model.index(row).data(StatusModel::IdRole).toString());
    return ids;
}

const QStringList standardIds = {
    QStringLiteral("project_dir"), QStringLiteral("project"),   QStringLiteral("llm"),
    QStringLiteral("embeddings"),  QStringLiteral("databases"), QStringLiteral("sources"),
    QStringLiteral("context"),     QStringLiteral("agents"),
};

} // namespace

class TestStatusModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstReportInsertsAllRowsAtOnce();
    void rolesAndRoleNames();
    void changedLineEmitsDataChangedForThatRowOnly();
    void identicalReportEmitsNothing();
    void addedLineIsInserted();
    void removedLineIsRemoved();
    void updatesNeverReset_data();
    void updatesNeverReset();
    void propertiesNotifyOnlyOnChange();
    void clearRemovesEverything();
};

void TestStatusModel::firstReportInsertsAllRowsAtOnce()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setReport(reportWith(standardIds));

    QCOMPARE(model.rowCount(), 8);
    QCOMPARE(idsOf(model), standardIds);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 7);
    QCOMPARE(reset.size(), 0);
}

void TestStatusModel::rolesAndRoleNames()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report = reportWith({QStringLiteral("llm")});
    ReadinessLine &llm = report.lines[0];
    llm.label = QStringLiteral("LLM ready");
    llm.state = ReadinessState::Fail;
    llm.value = QStringLiteral("no");
    llm.detail = QStringLiteral("llm.provider.backend is not set.");
    llm.remediation = QStringLiteral("Run ktx setup to choose a provider.");
    llm.setupStep = QStringLiteral("llm");
    model.setReport(report);

    const QModelIndex index = model.index(0);
    QCOMPARE(index.data(StatusModel::IdRole).toString(), QStringLiteral("llm"));
    QCOMPARE(index.data(StatusModel::LabelRole).toString(), QStringLiteral("LLM ready"));
    QCOMPARE(index.data(StatusModel::StateRole).toInt(), int(ReadinessState::Fail));
    QCOMPARE(index.data(StatusModel::StateNameRole).toString(), QStringLiteral("fail"));
    QCOMPARE(index.data(StatusModel::ValueRole).toString(), QStringLiteral("no"));
    QCOMPARE(index.data(StatusModel::DetailRole).toString(), llm.detail);
    QCOMPARE(index.data(StatusModel::RemediationRole).toString(), llm.remediation);
    QCOMPARE(index.data(StatusModel::SetupStepRole).toString(), QStringLiteral("llm"));
    QCOMPARE(index.data(Qt::DisplayRole).toString(), QStringLiteral("LLM ready: no"));
    QVERIFY(index.data(Qt::ToolTipRole).toString().contains(llm.remediation));

    const QHash<int, QByteArray> names = model.roleNames();
    QCOMPARE(names.value(StatusModel::IdRole), QByteArray("id"));
    QCOMPARE(names.value(StatusModel::LabelRole), QByteArray("label"));
    QCOMPARE(names.value(StatusModel::StateRole), QByteArray("state"));
    QCOMPARE(names.value(StatusModel::ValueRole), QByteArray("value"));
    QCOMPARE(names.value(StatusModel::DetailRole), QByteArray("detail"));
    QCOMPARE(names.value(StatusModel::RemediationRole), QByteArray("remediation"));
    QCOMPARE(names.value(StatusModel::SetupStepRole), QByteArray("setupStep"));
    QCOMPARE(names.value(Qt::DisplayRole), QByteArray("display"));
}

void TestStatusModel::changedLineEmitsDataChangedForThatRowOnly()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report = reportWith(standardIds);
    model.setReport(report);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);

    report.lines[4].state = ReadinessState::Ok;
    report.lines[4].value = QStringLiteral("yes (warehouse)");
    model.setReport(report);

    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.at(0).at(0).value<QModelIndex>();
    const auto bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 4);
    QCOMPARE(bottomRight.row(), 4);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(moved.size(), 0);
    QCOMPARE(model.index(4).data(StatusModel::ValueRole).toString(),
             QStringLiteral("yes (warehouse)"));
}

void TestStatusModel::identicalReportEmitsNothing()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const StatusReport report = reportWith(standardIds);
    model.setReport(report);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy verdict(&model, &StatusModel::verdictChanged);
    model.setReport(report);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(verdict.size(), 0);
}

void TestStatusModel::addedLineIsInserted()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QStringList ids = standardIds;
    ids.removeAt(3);
    model.setReport(reportWith(ids));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setReport(reportWith(standardIds));

    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(inserted.at(0).at(2).toInt(), 3);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(idsOf(model), standardIds);
}

void TestStatusModel::removedLineIsRemoved()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReport(reportWith(standardIds));

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QStringList ids = standardIds;
    ids.removeAt(6);
    model.setReport(reportWith(ids));

    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 6);
    QCOMPARE(removed.at(0).at(2).toInt(), 6);
    QCOMPARE(moved.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(idsOf(model), ids);
}

void TestStatusModel::updatesNeverReset_data()
{
    QTest::addColumn<QStringList>("before");
    QTest::addColumn<QStringList>("after");
    const auto ids = [](const char *letters) {
        QStringList list;
        for (const char *c = letters; *c; ++c)
            list.append(QString(QLatin1Char(*c)));
        return list;
    };
    QTest::addRow("empty to full") << QStringList() << ids("abcdef");
    QTest::addRow("full to empty") << ids("abcdef") << QStringList();
    QTest::addRow("append") << ids("abc") << ids("abcde");
    QTest::addRow("prepend") << ids("cde") << ids("abcde");
    QTest::addRow("remove ends") << ids("abcde") << ids("bcd");
    QTest::addRow("swap") << ids("abcd") << ids("abdc");
    QTest::addRow("reverse") << ids("abcde") << ids("edcba");
    QTest::addRow("rotate") << ids("abcde") << ids("bcdea");
    QTest::addRow("replace all") << ids("abc") << ids("xyz");
    QTest::addRow("mixed") << ids("abcdef") << ids("xbaefy");
}

void TestStatusModel::updatesNeverReset()
{
    QFETCH(QStringList, before);
    QFETCH(QStringList, after);
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReport(reportWith(before));
    QCOMPARE(idsOf(model), before);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    model.setReport(reportWith(after));
    QCOMPARE(idsOf(model), after);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(layout.size(), 0);
}

void TestStatusModel::propertiesNotifyOnlyOnChange()
{
    StatusModel model;
    QSignalSpy verdict(&model, &StatusModel::verdictChanged);
    QSignalSpy reason(&model, &StatusModel::verdictReasonChanged);
    QSignalSpy dir(&model, &StatusModel::projectDirChanged);
    QCOMPARE(model.verdictName(), QString());

    StatusReport report = reportWith(standardIds);
    model.setReport(report);
    QVERIFY(verdict.size() >= 1);
    QCOMPARE(reason.size(), 1);
    QCOMPARE(dir.size(), 1);
    QCOMPARE(model.property("verdict").toString(), QStringLiteral("partial"));
    QCOMPARE(model.property("verdictReason").toString(), report.verdictReason);
    QCOMPARE(model.property("projectDir").toString(), QStringLiteral("/tmp/project"));

    verdict.clear();
    reason.clear();
    report.verdict = Verdict::Ready;
    model.setReport(report);
    QCOMPARE(verdict.size(), 1);
    QCOMPARE(reason.size(), 0);
    QCOMPARE(model.verdictName(), QStringLiteral("ready"));
}

void TestStatusModel::clearRemovesEverything()
{
    StatusModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReport(reportWith(standardIds));
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(removed.size(), 1);
    QVERIFY(!model.hasReport());
    QCOMPARE(model.projectDir(), QString());
}

QTEST_GUILESS_MAIN(TestStatusModel)
#include "tst_statusmodel.moc"
