//! Small builders shared by the migrations: the columns every mutable row carries, foreign
//! keys that cascade, and named indexes. (Shipped migrations must keep producing the same
//! schema; change these only by adding new helpers.)
use sea_orm_migration::{prelude::*, schema::*};

/// Columns every mutable row carries: optimistic-locking version and timestamps.
pub(crate) fn mutable(mut t: TableCreateStatement) -> TableCreateStatement {
    t.col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    t
}

pub(crate) fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

pub(crate) async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(format!("ix_{table}_{}", cols.join("_"))).table(table).if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    m.create_index(idx).await
}
