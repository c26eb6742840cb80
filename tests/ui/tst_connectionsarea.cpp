#include "demo/demoproject.h"
#include "ingest/livedatabaseevidence.h"
#include "ingest/structuralingest.h"
#include "models/schematreemodel.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "ui/colorscheme.h"
#include "ui/connectionsarea.h"
#include "ui/relationshipdiagram.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QWheelEvent>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 60000;

} // namespace

class TestConnectionsArea : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void emptyStateBeforeAnyIngest();
    void diagramMatchesTheEvidence();
    void zoomChangesTheTransform();
    void profilesTheSelectedTable();
    void screenshots();

private:
    void ingest();
    QString evidenceDir() const;
    QTemporaryDir m_root;
    QString m_project;
};

void TestConnectionsArea::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_root.isValid());
    m_project = m_root.filePath(QStringLiteral("demo"));
    const Result<void> created = DemoProject::create(m_project);
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().toText()));
}

void TestConnectionsArea::ingest()
{
    if (!evidenceDir().isEmpty())
        return;
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(m_project).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(loaded.ok());
    const ConnectionConfig *connection = loaded->config.connection(DemoProject::connectionId());
    QVERIFY(connection);
    const auto result = StructuralIngest::run(m_project, loaded->config, *connection);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
    QVERIFY(!evidenceDir().isEmpty());
}

QString TestConnectionsArea::evidenceDir() const
{
    return LiveDatabaseEvidence::latestSyncDir(m_project, DemoProject::connectionId());
}

void TestConnectionsArea::emptyStateBeforeAnyIngest()
{
    ConnectionsArea area;
    area.show();
    QSignalSpy shown(&area, &ConnectionsArea::catalogShown);
    area.setProject(m_project, {{DemoProject::connectionId(), QStringLiteral("sqlite")}});
    QVERIFY(area.isLoading()); // the snapshot is looked up on the pool
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, JobTimeoutMs);
    QVERIFY(!area.hasSnapshot());
    auto *title = area.findChild<QLabel *>(QStringLiteral("connectionsMessageTitle"));
    QVERIFY(title->text().contains(QStringLiteral("not been scanned")));
    auto *scan = area.findChild<QPushButton *>(QStringLiteral("runIngest"));
    QVERIFY(scan->isVisible());
    QCOMPARE(area.schemaModel()->rowCount(), 0);
}

void TestConnectionsArea::diagramMatchesTheEvidence()
{
    ingest();
    const QString sync = evidenceDir();
    const int tableFiles
        = int(QDir(sync + QStringLiteral("/tables")).entryList({QStringLiteral("*.json")}).size());
    QFile file(sync + QStringLiteral("/relationships.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    int accepted = 0, review = 0;
    for (const QJsonValue &value : QJsonDocument::fromJson(file.readAll()).array()) {
        const QString status = value.toObject().value(QStringLiteral("status")).toString();
        accepted += status == QLatin1String("accepted");
        review += status == QLatin1String("review");
    }
    QVERIFY(accepted > 0);

    ConnectionsArea area;
    area.resize(1100, 700);
    area.show();
    QSignalSpy shown(&area, &ConnectionsArea::catalogShown);
    area.setProject(m_project, {{DemoProject::connectionId(), QStringLiteral("sqlite")}});
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, JobTimeoutMs);
    QVERIFY(area.hasSnapshot());
    QCOMPARE(tableFiles, 14);
    QCOMPARE(area.schemaModel()->rowCount(), 14);
    RelationshipDiagram *diagram = area.diagram();
    QCOMPARE(diagram->tableItemCount(), 14);
    QCOMPARE(diagram->edgeCount(QStringLiteral("accepted")), accepted);
    QCOMPARE(diagram->edgeCount(QStringLiteral("review")), review);
    QCOMPARE(diagram->edgeCount(QStringLiteral("rejected")), 0);

    // No two table boxes overlap.
    QList<QRectF> boxes;
    for (QGraphicsItem *item : diagram->scene()->items()) {
        if (item->data(RelationshipDiagram::KindKey).toString() == QLatin1String("table"))
            boxes << item->sceneBoundingRect();
    }
    for (int i = 0; i < boxes.size(); ++i)
        for (int j = i + 1; j < boxes.size(); ++j)
            QVERIFY(!boxes.at(i).adjusted(2, 2, -2, -2).intersects(boxes.at(j)));

    // Every edge carries its score and status for the hover tooltip.
    for (QGraphicsItem *item : diagram->scene()->items()) {
        if (item->data(RelationshipDiagram::KindKey).toString() == QLatin1String("edge")) {
            QVERIFY(item->toolTip().contains(QStringLiteral("Score:")));
            QVERIFY(item->toolTip().contains(QStringLiteral("Status:")));
        }
    }
}

void TestConnectionsArea::zoomChangesTheTransform()
{
    ingest();
    ConnectionsArea area;
    area.resize(1100, 700);
    area.show();
    QSignalSpy shown(&area, &ConnectionsArea::catalogShown);
    area.setProject(m_project, {{DemoProject::connectionId(), QStringLiteral("sqlite")}});
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, JobTimeoutMs);
    area.showDiagram();
    RelationshipDiagram *diagram = area.diagram();

    diagram->resetTransform(); // 100%, well inside the zoom limits
    const qreal start = diagram->zoomFactor();
    QTest::keyClick(diagram, Qt::Key_Plus);
    QVERIFY(diagram->zoomFactor() > start * 1.1);
    QTest::keyClick(diagram, Qt::Key_Minus);
    QTest::keyClick(diagram, Qt::Key_Minus);
    QVERIFY(diagram->zoomFactor() < start);

    const qreal beforeWheel = diagram->zoomFactor();
    const QPointF pos = diagram->viewport()->rect().center();
    QWheelEvent wheel(pos, diagram->viewport()->mapToGlobal(pos), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(diagram->viewport(), &wheel);
    QVERIFY(diagram->zoomFactor() > beforeWheel);

    diagram->fitAll();
    QVERIFY(diagram->zoomFactor() <= 1.0);
    // Rejected edges appear only on request.
    diagram->setShowRejected(true);
    QCOMPARE(diagram->tableItemCount(), 14);
}

void TestConnectionsArea::profilesTheSelectedTable()
{
    ingest();
    ConnectionsArea area;
    area.resize(1100, 700);
    area.show();
    QSignalSpy shown(&area, &ConnectionsArea::catalogShown);
    area.setProject(m_project, {{DemoProject::connectionId(), QStringLiteral("sqlite")}});
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, JobTimeoutMs);
    SchemaTreeModel *model = area.schemaModel();
    const QModelIndex table = model->index(0, 0);
    area.tableView()->setCurrentIndex(table);
    QSignalSpy profiled(&area, &ConnectionsArea::profileShown);
    area.findChild<QPushButton *>(QStringLiteral("profileTable"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(profiled.count(), 1, JobTimeoutMs);
    QVERIFY(model->rowCount(table) > 0);
    const QModelIndex first = model->index(0, 0, table);
    QVERIFY(model->isProfiled(first));
    QVERIFY(!model->index(0, SchemaTreeModel::NullRateColumn, table).data().toString().isEmpty());
    QVERIFY(!model->index(0, SchemaTreeModel::DistinctColumn, table).data().toString().isEmpty());
}

void TestConnectionsArea::screenshots()
{
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    ingest();
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        ConnectionsArea area;
        area.resize(1200, 760);
        area.show();
        QSignalSpy shown(&area, &ConnectionsArea::catalogShown);
        area.setProject(m_project, {{DemoProject::connectionId(), QStringLiteral("sqlite")}});
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, JobTimeoutMs);
        QSignalSpy profiled(&area, &ConnectionsArea::profileShown);
        area.tableView()->setCurrentIndex(area.schemaModel()->index(0, 0));
        area.profileSelectedTable();
        QTRY_COMPARE_WITH_TIMEOUT(profiled.count(), 1, JobTimeoutMs);
        QTest::qWait(50);
        QVERIFY(area.grab().save(QStringLiteral("%1/connections-tables-%2.png").arg(out, name)));
        area.showDiagram();
        area.diagram()->fitAll();
        QTest::qWait(50);
        QVERIFY(area.grab().save(QStringLiteral("%1/connections-diagram-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestConnectionsArea)
#include "tst_connectionsarea.moc"
