// Data source for the TypeORM CLI (`npm run migration:generate`), run against the compiled build.
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { typeOrmOptions } from './database.js';

const config = loadConfig(process.env);
export default new DataSource({
  ...typeOrmOptions(config.databaseUrl),
  entities: [new URL('../**/*.entity.js', import.meta.url).pathname],
});
