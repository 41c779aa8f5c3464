-- The catalog's normalised schema; documented column by column in docs/SCHEMA.md.
CREATE TABLE launches (
    launch_tag VARCHAR PRIMARY KEY,
    time_utc TIMESTAMPTZ NOT NULL,
    time_precision VARCHAR NOT NULL,
    time_uncertain BOOLEAN NOT NULL,
    year INTEGER NOT NULL,
    vehicle VARCHAR,
    vehicle_family VARCHAR,
    variant VARCHAR,
    flight VARCHAR,
    platform VARCHAR,
    site_code VARCHAR,
    site VARCHAR,
    site_name VARCHAR,
    site_state VARCHAR,
    pad VARCHAR,
    agency VARCHAR,
    agency_name VARCHAR,
    provider_state VARCHAR,
    lv_state VARCHAR,
    vehicle_state VARCHAR,
    launch_code VARCHAR NOT NULL,
    orbit_class VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    is_success BOOLEAN NOT NULL,
    payload_count INTEGER NOT NULL,
    citation VARCHAR
);
CREATE TABLE payloads (
    piece VARCHAR,
    launch_tag VARCHAR NOT NULL,
    name VARCHAR,
    pl_name VARCHAR,
    jcat VARCHAR,
    satcat INTEGER,
    type VARCHAR,
    owner VARCHAR,
    owner_name VARCHAR,
    owner_state VARCHAR,
    perigee_km DOUBLE,
    apogee_km DOUBLE,
    inc_deg DOUBLE,
    orbit_source VARCHAR
);
CREATE TABLE sites (
    code VARCHAR NOT NULL,
    ucode VARCHAR NOT NULL,
    type VARCHAR,
    state_code VARCHAR,
    valid_from DATE,
    valid_to DATE,
    short_name VARCHAR,
    name VARCHAR,
    location VARCHAR,
    lon_deg DOUBLE,
    lat_deg DOUBLE,
    error_deg DOUBLE,
    parent VARCHAR,
    host_country VARCHAR
);
CREATE TABLE organisations (
    code VARCHAR NOT NULL,
    ucode VARCHAR NOT NULL,
    state_code VARCHAR,
    type VARCHAR,
    class VARCHAR,
    valid_from DATE,
    valid_to DATE,
    short_name VARCHAR,
    name VARCHAR,
    location VARCHAR,
    lon_deg DOUBLE,
    lat_deg DOUBLE,
    parent VARCHAR
);
CREATE TABLE vehicles (
    lv_name VARCHAR NOT NULL,
    family VARCHAR,
    manufacturer VARCHAR,
    variant VARCHAR,
    alias VARCHAR,
    min_stage DOUBLE,
    max_stage DOUBLE,
    length_m DOUBLE,
    diameter_m DOUBLE,
    launch_mass_t DOUBLE,
    leo_capacity_kg DOUBLE,
    gto_capacity_kg DOUBLE,
    takeoff_thrust_kn DOUBLE,
    class VARCHAR
);
CREATE TABLE objects (
    jcat VARCHAR,
    satcat INTEGER,
    piece VARCHAR,
    launch_tag VARCHAR,
    name VARCHAR,
    type VARCHAR,
    owner VARCHAR,
    state VARCHAR,
    perigee_km DOUBLE,
    apogee_km DOUBLE,
    inc_deg DOUBLE,
    source_file VARCHAR
);
CREATE TABLE quarantine (file VARCHAR, line INTEGER, reason VARCHAR, raw VARCHAR);
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
