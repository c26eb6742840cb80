#include "ui/runbrowser.h"

#include "models/runlistmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace ktx {

RunBrowser::RunBrowser(QWidget *parent)
    : QWidget(parent)
    , m_model(new RunListModel(this))
    , m_source(new QComboBox)
    , m_status(new QComboBox)
    , m_text(new QLineEdit)
    , m_table(new QTableView)
{
    m_source->setAccessibleName(tr("Filter by source"));
    m_status->setAccessibleName(tr("Filter by status"));
    m_text->setPlaceholderText(tr("Filter runs…"));
    m_text->setClearButtonEnabled(true);
    m_table->setModel(m_model);
    m_table->setAccessibleName(tr("Past runs"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(RunListModel::PhaseColumn, true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_source);
    filters->addWidget(m_status);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Runs</b>"));
    layout->addWidget(title);
    layout->addLayout(filters);
    layout->addWidget(m_text);
    layout->addWidget(m_table, 1);

    refillCombo(m_source, {}, tr("All sources"));
    refillCombo(m_status, {}, tr("All statuses"));
    connect(m_source, &QComboBox::currentIndexChanged, this, &RunBrowser::applyFilter);
    connect(m_status, &QComboBox::currentIndexChanged, this, &RunBrowser::applyFilter);
    connect(m_text, &QLineEdit::textChanged, this, &RunBrowser::applyFilter);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (const IngestRunRecord *run = m_model->run(index.row()))
            Q_EMIT runActivated(run->runId);
    });
}

void RunBrowser::setProject(const QString &projectDir)
{
    m_projectDir = projectDir;
    reload();
}

void RunBrowser::reload()
{
    if (m_projectDir.isEmpty()) {
        m_model->clear();
        return;
    }
    // A project that never ran an ingest has no store yet: an empty list.
    if (!m_model->load(m_projectDir).ok())
        m_model->clear();
    const QSignalBlocker sourceBlock(m_source);
    const QSignalBlocker statusBlock(m_status);
    refillCombo(m_source, m_model->connections(), tr("All sources"));
    refillCombo(m_status, m_model->statuses(), tr("All statuses"));
    applyFilter();
}

void RunBrowser::refillCombo(QComboBox *combo, const QStringList &values, const QString &all)
{
    const QString current = combo->currentData().toString();
    combo->clear();
    combo->addItem(all, QString());
    for (const QString &value : values)
        combo->addItem(value, value);
    combo->setCurrentIndex(qMax(0, combo->findData(current)));
}

void RunBrowser::applyFilter()
{
    m_model->setFilter(m_source->currentData().toString(), m_status->currentData().toString(),
                       m_text->text());
}

void RunBrowser::selectRun(const QString &runId)
{
    const int row = m_model->rowOf(runId);
    if (row >= 0)
        m_table->selectRow(row);
}

} // namespace ktx
