// Jest project `int-postgres`: the read-model tests run again, on PostgreSQL (see openTestReadStore).
process.env.PANGOLIN_TEST_READ_DB = 'postgres';
