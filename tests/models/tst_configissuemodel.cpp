#include "models/configissuemodel.h"
#include "models/connectionmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace ktx;

namespace {

StatusIssue issue(const QString &severity, const QString &path, int line, int column = 3)
{
    StatusIssue i;
    i.severity = severity;
    i.path = path;
    i.message = path + QStringLiteral(": invalid value");
    i.fix = QStringLiteral("Fix ") + path;
    i.line = line;
    i.column = column;
    return i;
}

ConnectionStatus connection(const QString &name, ReadinessState state = ReadinessState::Ok)
{
    ConnectionStatus c;
    c.name = name;
    c.driver = QStringLiteral("sqlite");
    c.state = state;
    c.detail = QStringLiteral("warehouse.db");
    return c;
}

} // namespace

class TestConfigIssueModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void issuesThenWarnings();
    void issueMovingToAnotherLineIsDataChanged();
    void newAndFixedIssues();
    void countsNotify();
    void connectionsUpdateFineGrained();
};

void TestConfigIssueModel::issuesThenWarnings()
{
    ConfigIssueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report;
    report.configIssues
        = {issue(QStringLiteral("error"), QStringLiteral("llm.provider.backend"), 4, 14)};
    report.warnings = {{QStringLiteral("Unsupported memory: unknown field (ignored)"),
                        QStringLiteral("Delete it from ktx.yaml when convenient.")}};
    model.setReport(report);

    QCOMPARE(model.rowCount(), 2);
    const QModelIndex error = model.index(0);
    QCOMPARE(error.data(ConfigIssueModel::SeverityRole).toString(), QStringLiteral("error"));
    QCOMPARE(error.data(ConfigIssueModel::StateRole).toInt(), int(ReadinessState::Fail));
    QCOMPARE(error.data(ConfigIssueModel::LineRole).toInt(), 4);
    QCOMPARE(error.data(ConfigIssueModel::ColumnRole).toInt(), 14);
    QCOMPARE(error.data(ConfigIssueModel::LocationRole).toString(),
             QStringLiteral("ktx.yaml:4:14"));
    QVERIFY(error.data(Qt::DisplayRole).toString().startsWith(QStringLiteral("ktx.yaml:4:14")));
    QCOMPARE(error.data(ConfigIssueModel::PathRole).toString(),
             QStringLiteral("llm.provider.backend"));

    const QModelIndex warning = model.index(1);
    QCOMPARE(warning.data(ConfigIssueModel::SeverityRole).toString(), QStringLiteral("warning"));
    QCOMPARE(warning.data(ConfigIssueModel::StateRole).toInt(), int(ReadinessState::Warn));
    QCOMPARE(warning.data(ConfigIssueModel::LineRole).toInt(), 0);
    QCOMPARE(warning.data(ConfigIssueModel::LocationRole).toString(), QString());
    QCOMPARE(warning.data(ConfigIssueModel::FixRole).toString(),
             QStringLiteral("Delete it from ktx.yaml when convenient."));

    QCOMPARE(model.roleNames().value(ConfigIssueModel::LineRole), QByteArray("line"));
    QCOMPARE(model.roleNames().value(ConfigIssueModel::ColumnRole), QByteArray("column"));
    QCOMPARE(model.roleNames().value(ConfigIssueModel::MessageRole), QByteArray("message"));
}

void TestConfigIssueModel::issueMovingToAnotherLineIsDataChanged()
{
    ConfigIssueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report;
    report.configIssues = {issue(QStringLiteral("error"), QStringLiteral("a"), 2),
                           issue(QStringLiteral("error"), QStringLiteral("b"), 7),
                           issue(QStringLiteral("warning"), QStringLiteral("c"), 9)};
    model.setReport(report);

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    // The user added two lines above "b".
    report.configIssues[1].line = 9;
    report.configIssues[2].line = 11;
    model.setReport(report);

    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 1);
    QCOMPARE(changed.at(1).at(0).value<QModelIndex>().row(), 2);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.index(1).data(ConfigIssueModel::LineRole).toInt(), 9);
}

void TestConfigIssueModel::newAndFixedIssues()
{
    ConfigIssueModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report;
    report.configIssues = {issue(QStringLiteral("error"), QStringLiteral("a"), 2),
                           issue(QStringLiteral("error"), QStringLiteral("b"), 7)};
    model.setReport(report);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    report.configIssues.removeFirst(); // "a" fixed
    report.configIssues.append(issue(QStringLiteral("warning"), QStringLiteral("z"), 12));
    model.setReport(report);

    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 1);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(ConfigIssueModel::PathRole).toString(), QStringLiteral("b"));
    QCOMPARE(model.index(1).data(ConfigIssueModel::PathRole).toString(), QStringLiteral("z"));
}

void TestConfigIssueModel::countsNotify()
{
    ConfigIssueModel model;
    QSignalSpy counts(&model, &ConfigIssueModel::countsChanged);
    StatusReport report;
    report.configIssues = {issue(QStringLiteral("error"), QStringLiteral("a"), 2),
                           issue(QStringLiteral("warning"), QStringLiteral("b"), 3)};
    report.warnings = {{QStringLiteral("w"), QString()}};
    model.setReport(report);
    QCOMPARE(counts.size(), 1);
    QCOMPARE(model.errorCount(), 1);
    QCOMPARE(model.warningCount(), 2);
    model.setReport(report);
    QCOMPARE(counts.size(), 1);
    model.clear();
    QCOMPARE(counts.size(), 2);
    QCOMPARE(model.errorCount(), 0);
    QCOMPARE(model.rowCount(), 0);
}

void TestConfigIssueModel::connectionsUpdateFineGrained()
{
    ConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StatusReport report;
    report.connections
        = {connection(QStringLiteral("warehouse")), connection(QStringLiteral("dbt_main"))};
    model.setReport(report);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(ConnectionModel::NameRole).toString(),
             QStringLiteral("warehouse"));
    QCOMPARE(model.index(0).data(ConnectionModel::DriverRole).toString(), QStringLiteral("sqlite"));

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    report.connections[1].state = ReadinessState::Fail;
    report.connections.append(connection(QStringLiteral("metabase")));
    model.setReport(report);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 1);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 2);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.index(1).data(ConnectionModel::StateRole).toInt(), int(ReadinessState::Fail));
}

QTEST_GUILESS_MAIN(TestConfigIssueModel)
#include "tst_configissuemodel.moc"
