#include "models/recentprojectsmodel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

class TestRecentProjectsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void addPutsNewestFirst();
    void addingAgainMovesToTop();
    void duplicatesAreFoldedByCleanPath();
    void keepsAtMostTen();
    void persistsAcrossInstances();
    void pruneDropsProjectsWithoutConfig();
    void removeAndClear();

private:
    QString makeProject(const QString &name, bool withConfig = true);

    QTemporaryDir m_root;
};

void TestRecentProjectsModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("ktx-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_recentprojectsmodel"));
    QVERIFY(m_root.isValid());
}

void TestRecentProjectsModel::init()
{
    QSettings().remove(QStringLiteral("recentProjects"));
}

QString TestRecentProjectsModel::makeProject(const QString &name, bool withConfig)
{
    const QString dir = m_root.filePath(name);
    QDir().mkpath(dir);
    if (withConfig) {
        QFile config(dir + QStringLiteral("/ktx.yaml"));
        if (!config.open(QIODevice::WriteOnly))
            return {};
        config.write("connections: {}\n");
    }
    return QDir::cleanPath(dir);
}

void TestRecentProjectsModel::addPutsNewestFirst()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString a = makeProject(QStringLiteral("a"));
    const QString b = makeProject(QStringLiteral("b"));
    model.add(a);
    model.add(b);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.pathAt(0), b);
    QCOMPARE(model.index(0).data(RecentProjectsModel::NameRole).toString(), QStringLiteral("b"));
    QCOMPARE(model.index(0).data(Qt::DisplayRole).toString(), QStringLiteral("b"));
    QCOMPARE(model.index(1).data(RecentProjectsModel::PathRole).toString(),
             QDir::toNativeSeparators(a));
    QCOMPARE(model.roleNames().value(RecentProjectsModel::PathRole), QByteArray("path"));
}

void TestRecentProjectsModel::addingAgainMovesToTop()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString a = makeProject(QStringLiteral("a"));
    const QString b = makeProject(QStringLiteral("b"));
    const QString c = makeProject(QStringLiteral("c"));
    model.add(a);
    model.add(b);
    model.add(c);

    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.add(a);
    QCOMPARE(model.paths(), QStringList({a, c, b}));
    QCOMPARE(moved.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(reset.size(), 0);

    model.add(a); // already on top: nothing happens
    QCOMPARE(moved.size(), 1);
}

void TestRecentProjectsModel::duplicatesAreFoldedByCleanPath()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString a = makeProject(QStringLiteral("a"));
    model.add(a);
    model.add(a + QStringLiteral("/"));
    model.add(a + QStringLiteral("/./"));
    model.add(m_root.path() + QStringLiteral("/x/../a"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.pathAt(0), a);
    model.add(QStringLiteral("   "));
    QCOMPARE(model.rowCount(), 1);
}

void TestRecentProjectsModel::keepsAtMostTen()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 12; ++i)
        model.add(makeProject(QStringLiteral("p%1").arg(i)));
    QCOMPARE(model.rowCount(), RecentProjectsModel::MaxEntries);
    QCOMPARE(model.index(0).data(RecentProjectsModel::NameRole).toString(), QStringLiteral("p11"));
    QCOMPARE(model.index(9).data(RecentProjectsModel::NameRole).toString(), QStringLiteral("p2"));
}

void TestRecentProjectsModel::persistsAcrossInstances()
{
    const QString a = makeProject(QStringLiteral("a"));
    const QString b = makeProject(QStringLiteral("b"));
    {
        RecentProjectsModel model;
        model.add(a);
        model.add(b);
    }
    RecentProjectsModel reloaded;
    QAbstractItemModelTester tester(&reloaded,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(reloaded.paths(), QStringList({b, a}));
}

void TestRecentProjectsModel::pruneDropsProjectsWithoutConfig()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString a = makeProject(QStringLiteral("a"));
    const QString gone = makeProject(QStringLiteral("gone"));
    const QString b = makeProject(QStringLiteral("b"));
    model.add(a);
    model.add(gone);
    model.add(b);
    QVERIFY(QFile::remove(gone + QStringLiteral("/ktx.yaml")));

    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QCOMPARE(model.prune(), 1);
    QCOMPARE(model.paths(), QStringList({b, a}));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.prune(), 0);
    QCOMPARE(RecentProjectsModel().paths(), QStringList({b, a}));
}

void TestRecentProjectsModel::removeAndClear()
{
    RecentProjectsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString a = makeProject(QStringLiteral("a"));
    const QString b = makeProject(QStringLiteral("b"));
    model.add(a);
    model.add(b);
    QSignalSpy count(&model, &RecentProjectsModel::countChanged);
    QVERIFY(model.remove(a + QStringLiteral("/")));
    QVERIFY(!model.remove(a));
    QCOMPARE(model.paths(), QStringList({b}));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(count.size(), 2);
    QCOMPARE(RecentProjectsModel().rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestRecentProjectsModel)
#include "tst_recentprojectsmodel.moc"
