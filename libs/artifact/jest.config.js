module.exports = { ...require('../../jest.preset.js'), displayName: 'artifact', rootDir: __dirname };
