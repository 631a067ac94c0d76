-- One database per service (DESIGN §6).
CREATE DATABASE incidents;
CREATE DATABASE disclosure;
CREATE DATABASE staffing;
CREATE DATABASE reporting;
