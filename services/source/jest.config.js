module.exports = { ...require('../../jest.preset.js'), displayName: 'source', rootDir: __dirname };
